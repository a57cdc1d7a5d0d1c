import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ValidBody, openApiRef } from '../../common/body-validation.js';
import { CurrentAuth, Public, type AuthContext } from '../../common/request-context.js';
import { AuthService } from './auth.service.js';

interface LoginRequest {
  email: string;
  password: string;
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange e-mail and password for a bearer access token (JWT)' })
  @ApiBody({ schema: openApiRef('login-request') })
  @ApiResponse({ status: 200, schema: openApiRef('login-response') })
  @ApiResponse({ status: 401, description: 'Wrong e-mail or password', schema: openApiRef('problem') })
  login(@ValidBody('login-request') body: LoginRequest, @Req() req: Request) {
    return this.auth.loginOrThrow(body.email, body.password, req.id === undefined ? undefined : String(req.id));
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in user and tenant' })
  @ApiResponse({ status: 200, schema: openApiRef('current-user') })
  me(@CurrentAuth() auth: AuthContext) {
    return this.auth.currentUserOrThrow(auth);
  }
}

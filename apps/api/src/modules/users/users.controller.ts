import { Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ValidBody, openApiRef } from '../../common/body-validation.js';
import { CurrentAuth, Roles, type AuthContext } from '../../common/request-context.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('users')
  @Roles('admin')
  @ApiOperation({ summary: 'Users of the tenant (admins)' })
  list(@CurrentAuth() auth: AuthContext) {
    return this.users.list(auth);
  }

  @Get('users/directory')
  @ApiOperation({ summary: 'Active users, id and name only, for user pickers (everyone)' })
  directory(@CurrentAuth() auth: AuthContext) {
    return this.users.directory(auth);
  }

  @Post('users')
  @Roles('admin')
  @ApiOperation({ summary: 'Create a user (admins; audited)' })
  @ApiBody({ schema: openApiRef('user-create-request') })
  create(@CurrentAuth() auth: AuthContext, @ValidBody('user-create-request') body: { email: string; displayName: string; password: string; roles: string[] }) {
    return this.users.createOrThrow(auth, body);
  }

  @Patch('users/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a user’s name, roles, password or active flag (admins; role changes audited as permission changes)' })
  @ApiBody({ schema: openApiRef('user-update-request') })
  update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @ValidBody('user-update-request') body: { displayName?: string; roles?: string[]; active?: boolean; password?: string }) {
    return this.users.updateOrThrow(auth, id, body);
  }

  @Get('roles')
  @ApiOperation({ summary: 'Roles of the tenant' })
  roles(@CurrentAuth() auth: AuthContext) {
    return this.users.roles(auth);
  }
}

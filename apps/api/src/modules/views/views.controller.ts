import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ValidBody, openApiRef } from '../../common/body-validation.js';
import { CurrentAuth, type AuthContext } from '../../common/request-context.js';
import { ViewsService, type SavedViewCreateRequest } from './views.service.js';

@ApiTags('views')
@ApiBearerAuth()
@Controller('forms/:key/views')
export class ViewsController {
  constructor(private readonly views: ViewsService) {}

  @Get()
  @ApiOperation({ summary: 'Saved views of a record list: yours and the shared ones' })
  list(@CurrentAuth() auth: AuthContext, @Param('key') key: string) {
    return this.views.list(auth, key);
  }

  @Post()
  @ApiOperation({ summary: 'Save the current filters, sort and columns under a name (shared: admins only)' })
  @ApiBody({ schema: openApiRef('view-create-request') })
  @ApiResponse({ status: 201, schema: openApiRef('view') })
  @ApiResponse({ status: 409, schema: openApiRef('problem') })
  create(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @ValidBody('view-create-request') body: SavedViewCreateRequest) {
    return this.views.createOrThrow(auth, key, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete one of your views (a shared view: admins)' })
  @ApiResponse({ status: 404, schema: openApiRef('problem') })
  async remove(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @Param('id') id: string): Promise<void> {
    await this.views.deleteOrThrow(auth, key, id);
  }
}

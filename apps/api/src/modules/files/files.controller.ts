import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppException } from '../../common/app.exception.js';
import { openApiRef } from '../../common/body-validation.js';
import { CurrentAuth, type AuthContext } from '../../common/request-context.js';
import { FilesService } from './files.service.js';

/** Uploads larger than this get a 413 before they reach the service (see app.factory). */
export const FILE_BODY_LIMIT = '10mb';

function queryText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

@ApiTags('files')
@ApiBearerAuth()
@Controller('files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Post()
  @ApiOperation({ summary: 'Upload a file for a form’s attachment field (raw body, ≤ 10 MB; the content type is checked against the bytes)' })
  @ApiConsumes('application/octet-stream', 'application/pdf', 'image/png', 'image/jpeg', 'text/plain')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiQuery({ name: 'form', required: true, description: 'the form whose records will hold the file (create or update permission needed)' })
  @ApiQuery({ name: 'name', required: true, description: 'the file name shown and used on download' })
  @ApiResponse({ status: 201, schema: openApiRef('file') })
  @ApiResponse({ status: 413, schema: openApiRef('problem') })
  @ApiResponse({ status: 415, schema: openApiRef('problem') })
  upload(@CurrentAuth() auth: AuthContext, @Query() query: Record<string, unknown>, @Req() req: Request) {
    const form = queryText(query.form);
    if (!form) throw new AppException(400, 'http.validation_failed', {}, [{ path: '/form', keyword: 'required', message: 'form' }]);
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return this.files.uploadOrThrow(auth, form, queryText(query.name), req.headers['content-type'], bytes);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Download a file (needs read permission on its form)' })
  @ApiResponse({ status: 404, schema: openApiRef('problem') })
  async download(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const { meta, content } = await this.files.readOrThrow(auth, id);
    res.setHeader('Content-Type', meta.type);
    res.setHeader('Content-Length', String(content.length));
    // Always a download, never rendered in our origin.
    res.setHeader('Content-Disposition', `attachment; filename="${meta.name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(meta.name)}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('ETag', `"${meta.sha256}"`);
    res.setHeader('Cache-Control', 'private, max-age=0, must-revalidate');
    res.end(content);
  }
}

import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ValidBody, openApiRef, validateQueryOrThrow } from '../../common/body-validation.js';
import type { Locale } from '../../common/i18n.js';
import { CurrentAuth, RequestLocale, Roles, type AuthContext } from '../../common/request-context.js';
import { WebhooksService, type WebhookCreateRequest, type WebhookUpdateRequest } from './webhooks.service.js';

interface DeliveryQuery {
  limit?: string;
  before?: string;
  status?: string;
}

const listOf = (name: string) => ({ type: 'object', properties: { items: { type: 'array', items: openApiRef(name) } } });

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary:
      'Subscribe a URL to record.created/updated/deleted/restored and alert.raised events of one form or all (admins). The signing secret is in this answer only.',
  })
  @ApiBody({ schema: openApiRef('webhook-create-request') })
  @ApiResponse({ status: 201, schema: openApiRef('webhook') })
  @ApiResponse({ status: 400, schema: openApiRef('problem') })
  create(@CurrentAuth() auth: AuthContext, @ValidBody('webhook-create-request') body: WebhookCreateRequest) {
    return this.webhooks.createOrThrow(auth, body);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'The webhooks of this company, newest first, with delivery counts (never their secrets)' })
  @ApiResponse({ status: 200, schema: listOf('webhook') })
  list(@CurrentAuth() auth: AuthContext) {
    return this.webhooks.list(auth);
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'One webhook' })
  @ApiResponse({ status: 200, schema: openApiRef('webhook') })
  @ApiResponse({ status: 404, schema: openApiRef('problem') })
  get(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return this.webhooks.getOrThrow(auth, id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a webhook: url, events, form, active, description (audited)' })
  @ApiBody({ schema: openApiRef('webhook-update-request') })
  @ApiResponse({ status: 200, schema: openApiRef('webhook') })
  @ApiResponse({ status: 400, schema: openApiRef('problem') })
  @ApiResponse({ status: 404, schema: openApiRef('problem') })
  update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @ValidBody('webhook-update-request') body: WebhookUpdateRequest) {
    return this.webhooks.updateOrThrow(auth, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Delete a webhook and its delivery log; pending deliveries are not sent' })
  @ApiResponse({ status: 404, schema: openApiRef('problem') })
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.webhooks.deleteOrThrow(auth, id);
  }

  @Post(':id/rotate-secret')
  @Roles('admin')
  @ApiOperation({ summary: 'A new signing secret, in this answer only; the old one stops signing at once' })
  @ApiResponse({ status: 201, schema: openApiRef('webhook') })
  rotate(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return this.webhooks.rotateSecretOrThrow(auth, id);
  }

  @Post(':id/test')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: 'Send a signed ping event to the webhook now; follow it in the delivery log' })
  @ApiResponse({ status: 202, schema: openApiRef('webhook-delivery') })
  ping(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return this.webhooks.pingOrThrow(auth, id);
  }

  @Get(':id/deliveries')
  @Roles('admin')
  @ApiOperation({ summary: 'The delivery log, newest first: event, status, attempts (status code, duration, error), next retry' })
  @ApiResponse({ status: 200, schema: { type: 'object', properties: { items: { type: 'array', items: openApiRef('webhook-delivery') }, nextCursor: { type: ['string', 'null'] } } } })
  deliveries(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Query() query: unknown, @RequestLocale() locale: Locale) {
    const q = validateQueryOrThrow<DeliveryQuery>('webhook-delivery-query', query, locale);
    return this.webhooks.deliveriesOrThrow(auth, id, { limit: Number(q.limit ?? 50), before: q.before, status: q.status }, locale);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: 'Send the same event again (same payload and event id) as a new delivery' })
  @ApiResponse({ status: 202, schema: openApiRef('webhook-delivery') })
  @ApiResponse({ status: 404, schema: openApiRef('problem') })
  redeliver(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Param('deliveryId') deliveryId: string) {
    return this.webhooks.redeliverOrThrow(auth, id, deliveryId);
  }
}

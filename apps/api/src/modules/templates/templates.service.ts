import { Injectable } from '@nestjs/common';
import type { FormDefinition } from '@credo/form-engine';
import { loadRuleSetSeed, loadTemplate, ruleSetSeeds, templateKeys } from '@credo/seeds';
import { AppException } from '../../common/app.exception.js';
import type { AuthContext } from '../../common/request-context.js';
import { TenantDatabase } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { FieldIndexService } from '../forms/field-index.service.js';
import { FormsService } from '../forms/forms.service.js';
import { RulesService } from '../rules/rules.service.js';

/** The ready templates of seeds/ (客户档案, 信用评估, 应收单 …), installable by any tenant. */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly forms: FormsService,
    private readonly rules: RulesService,
    private readonly fieldIndexes: FieldIndexService,
    private readonly audit: AuditRepository,
  ) {}

  async list(auth: AuthContext) {
    const installed = new Set((await this.forms.list(auth)).items.map((f) => f.key));
    return {
      items: templateKeys.map((key) => {
        const definition = loadTemplate(key);
        return {
          key,
          title: definition.title,
          fields: definition.fields.length,
          requires: references(definition),
          ruleSet: ruleSetSeeds.some((s) => s.form === key),
          installed: installed.has(key),
        };
      }),
    };
  }

  /** Installs a template as a published form, with its default rule set; forms it refers to must be there first. */
  async installOrThrow(auth: AuthContext, key: string) {
    if (!templateKeys.includes(key)) throw new AppException(404, 'templates.not_found', { key });
    const definition = loadTemplate(key);
    const seed = ruleSetSeeds.find((s) => s.form === key);
    const installed = new Set((await this.forms.list(auth)).items.map((f) => f.key));
    if (installed.has(key)) throw new AppException(409, 'templates.installed', { key });
    const missing = references(definition).filter((form) => !installed.has(form));
    if (missing.length) throw new AppException(409, 'templates.missing_dependency', { key, forms: missing.join(', ') });
    const formId = await this.db.run(auth.tenantId, async (sql) => {
      const id = await this.forms.installOrThrow(sql, auth.tenantId, definition, auth.userId);
      if (seed) await this.rules.installOrThrow(sql, auth.tenantId, auth.userId, loadRuleSetSeed(seed.name));
      await this.audit.append(sql, { actorId: auth.userId, action: 'template.install', entity: `form:${key}`, entityId: id, details: { ruleSet: seed?.name ?? null }, requestId: auth.requestId });
      return id;
    });
    await this.fieldIndexes.ensure(formId, definition);
    return this.forms.getOrThrow(auth, key);
  }
}

function references(definition: FormDefinition): string[] {
  const forms = new Set<string>();
  const walk = (fields: FormDefinition['fields']) => {
    for (const field of fields) {
      if (field.type === 'reference' && field.reference?.form && field.reference.form !== definition.key) forms.add(field.reference.form);
      if (field.fields) walk(field.fields);
    }
  };
  walk(definition.fields);
  return [...forms];
}

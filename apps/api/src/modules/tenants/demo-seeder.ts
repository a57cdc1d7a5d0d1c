import { Inject, Injectable } from '@nestjs/common';
import type { FormDefinition } from '@credo/form-engine';
import {
  generateDemoAssessments,
  generateDemoCollectionRecords,
  generateDemoCustomers,
  generateDemoPayments,
  generateDemoReceivables,
  loadRuleSetSeed,
  loadTemplate,
  ruleSetSeeds,
  templateKeys,
} from '@credo/seeds';
import { Clock } from '../../common/clock.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { RulesService } from '../rules/rules.service.js';
import type { FormPermissionsDocument } from '../forms/form-permissions.js';
import { FieldIndexService } from '../forms/field-index.service.js';
import { FormsService } from '../forms/forms.service.js';
import { RecordsService } from '../records/records.service.js';
import type { Sql } from '../../database/tenant-database.js';
import { TenantsService } from './tenants.service.js';

export const DEMO_SLUG = 'demo';
/** Every template (customer, credit assessment, receivable, payment, collection record, limit request). */
export const DEMO_TEMPLATES = templateKeys;

const DEMO_PERMISSIONS: Record<string, FormPermissionsDocument> = {
  customer: { fields: { credit_limit: { staff: 'readonly', viewer: 'readonly' } } },
  receivable: { fields: { written_off: { staff: 'readonly', viewer: 'readonly' } } },
};

/** Seeds the demo company once (演示公司), through the same services users go through. */
@Injectable()
export class DemoSeeder {
  constructor(
    private readonly tenants: TenantsService,
    private readonly forms: FormsService,
    private readonly fieldIndexes: FieldIndexService,
    private readonly rules: RulesService,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  /** Returns false when the demo company already exists (a restart never re-seeds). */
  async seedIfMissing(): Promise<boolean> {
    if (await this.tenants.findIdBySlug(DEMO_SLUG)) return false;
    const password = this.config.demoPassword;
    const installed: Array<{ formId: string; definition: FormDefinition }> = [];
    await this.tenants.createTenant(
      {
        slug: DEMO_SLUG,
        name: '演示公司',
        users: [
          { email: 'admin@demo.local', displayName: '系统管理员', password, roles: ['admin'] },
          { email: 'staff@demo.local', displayName: '业务员小王', password, roles: ['staff'] },
          { email: 'designer@demo.local', displayName: '表单设计师', password, roles: ['designer'] },
          { email: 'viewer@demo.local', displayName: '只读访客', password, roles: ['viewer'] },
          { email: 'credit@demo.local', displayName: '信用主管老李', password, roles: ['credit_manager', 'staff'] },
        ],
      },
      async (sql, tenantId, [adminId, staffId]) => {
        for (const key of DEMO_TEMPLATES) {
          const definition = loadTemplate(key);
          installed.push({ formId: await this.forms.installOrThrow(sql, tenantId, definition, adminId!), definition });
        }
        const asOf = this.clock.today(this.config.timezone);
        const seed = 20261125;
        const count = this.config.demoCustomers;
        const owners = [staffId!, adminId!];
        const customers = await this.records.createManyOrThrow(sql, tenantId, adminId!, 'customer', generateDemoCustomers({ seed, count, salesOwnerIds: owners, asOf }));
        if (customers.length) await this.seedBook(sql, tenantId, adminId!, customers, seed, count, asOf, owners);
        // Policy as configuration: only a credit manager (信用主管) sets credit limits and write-offs.
        for (const { formId, definition } of installed) {
          const permissions = DEMO_PERMISSIONS[definition.key];
          if (permissions) await this.forms.installPermissions(sql, formId, permissions);
        }
        // The default rule sets (DOMAIN §6.4–6.6): scorecard, customer classification, alerts.
        for (const seed of ruleSetSeeds) await this.rules.installOrThrow(sql, tenantId, adminId!, loadRuleSetSeed(seed.name));
      },
    );
    // Indexes are built after the tenant's transaction commits (CREATE INDEX CONCURRENTLY).
    for (const form of installed) await this.fieldIndexes.ensure(form.formId, form.definition);
    return true;
  }

  private async seedBook(
    sql: Sql,
    tenantId: string,
    adminId: string,
    customers: Array<{ id: string; data: Record<string, unknown> }>,
    seed: number,
    count: number,
    asOf: string,
    owners: string[],
  ): Promise<void> {
    // Credit assessments for most customers, so the scorecard has something to grade.
    await this.records.createManyOrThrow(sql, tenantId, adminId, 'credit_assessment', generateDemoAssessments({ seed, customers, asOf }));
    // A book of receivables (every overdue bucket and 账龄 bracket), their payments and the
    // collection log, so aging, provision and DSO have something to show on day one. Seeded
    // data goes in as history: the credit check applies to new business, not to it.
    const receivables = await this.records.createManyOrThrow(
      sql,
      tenantId,
      adminId,
      'receivable',
      generateDemoReceivables({ seed, customers, count: count * 3, asOf, salesOwnerIds: owners }),
    );
    await this.records.createManyOrThrow(sql, tenantId, adminId, 'payment', generateDemoPayments({ seed, receivables, asOf, customers }));
    await this.records.createManyOrThrow(
      sql,
      tenantId,
      adminId,
      'collection_record',
      generateDemoCollectionRecords({ seed, receivables, customers, count, asOf, collectorIds: owners }),
    );
  }
}

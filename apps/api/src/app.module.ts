import { createSecretKey } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Clock } from './common/clock.js';
import { ProblemFilter } from './common/problem.filter.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from './config/runtime-config.js';
import { TenantDatabase } from './database/tenant-database.js';
import { AuditController } from './modules/audit/audit.controller.js';
import { AuditRepository } from './modules/audit/audit.repository.js';
import { AuditService } from './modules/audit/audit.service.js';
import { AuthController } from './modules/auth/auth.controller.js';
import { AuthGuard } from './modules/auth/auth.guard.js';
import { AuthService } from './modules/auth/auth.service.js';
import { PasswordHasher } from './modules/auth/password-hasher.js';
import { FormsController } from './modules/forms/forms.controller.js';
import { FormsRepository } from './modules/forms/forms.repository.js';
import { FieldIndexService } from './modules/forms/field-index.service.js';
import { FormsService } from './modules/forms/forms.service.js';
import { HealthController } from './modules/health/health.controller.js';
import { RecordsController } from './modules/records/records.controller.js';
import { RecordsRepository } from './modules/records/records.repository.js';
import { RecordsService } from './modules/records/records.service.js';
import { UserDirectory } from './modules/records/user-directory.js';
import { ReportsController } from './modules/reports/reports.controller.js';
import { ReportsRepository } from './modules/reports/reports.repository.js';
import { ReportsService } from './modules/reports/reports.service.js';
import { CreditControlService } from './modules/credit/credit-control.service.js';
import { CustomerRollupsService } from './modules/credit/customer-rollups.service.js';
import { PaymentAllocationService } from './modules/credit/payment-allocation.service.js';
import { RulesController } from './modules/rules/rules.controller.js';
import { RulesRepository } from './modules/rules/rules.repository.js';
import { RulesService } from './modules/rules/rules.service.js';
import { JobsController } from './modules/jobs/jobs.controller.js';
import { JobsService } from './modules/jobs/jobs.service.js';
import { RemindersController } from './modules/reminders/reminders.controller.js';
import { RemindersService } from './modules/reminders/reminders.service.js';
import { CollectionService } from './modules/reminders/collection.service.js';
import { UsersController } from './modules/users/users.controller.js';
import { UsersService } from './modules/users/users.service.js';
import { TemplatesController } from './modules/templates/templates.controller.js';
import { TemplatesService } from './modules/templates/templates.service.js';
import { DemoSeeder } from './modules/tenants/demo-seeder.js';
import { ApiTokensController } from './modules/tokens/api-tokens.controller.js';
import { ApiTokensRepository } from './modules/tokens/api-tokens.repository.js';
import { ApiTokensService } from './modules/tokens/api-tokens.service.js';
import { TokenRateLimiter } from './modules/tokens/token-rate-limiter.js';
import { WebhookDispatcher } from './modules/webhooks/webhook-dispatcher.js';
import { WebhooksController } from './modules/webhooks/webhooks.controller.js';
import { WebhooksRepository } from './modules/webhooks/webhooks.repository.js';
import { WebhooksService } from './modules/webhooks/webhooks.service.js';
import { ExportsController } from './modules/exports/exports.controller.js';
import { ExportsService } from './modules/exports/exports.service.js';
import { ImportJobsController, ImportsController } from './modules/imports/imports.controller.js';
import { ImportJobsService } from './modules/imports/import-jobs.service.js';
import { ImportsService } from './modules/imports/imports.service.js';
import { TenantsRepository } from './modules/tenants/tenants.repository.js';
import { ViewsController } from './modules/views/views.controller.js';
import { ViewsRepository } from './modules/views/views.repository.js';
import { ViewsService } from './modules/views/views.service.js';
import { FilesController } from './modules/files/files.controller.js';
import { FilesRepository } from './modules/files/files.repository.js';
import { FilesService } from './modules/files/files.service.js';
import { TenantsService } from './modules/tenants/tenants.service.js';

@Module({})
export class AppModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: config.resolvedAppDatabaseUrl,
          entities: [],
          synchronize: false,
          migrationsRun: false,
          extra: { max: 20, application_name: 'credo-api' },
        }),
        JwtModule.register({
          // A KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it as a public key on every verify.
          secret: createSecretKey(Buffer.from(config.resolvedJwtSecret, 'utf8')) as never,
          signOptions: { algorithm: 'HS256', expiresIn: config.jwtTtl as never },
        }),
      ],
      controllers: [HealthController, AuthController, FormsController, RecordsController, AuditController, ReportsController, RulesController, JobsController, RemindersController, UsersController, TemplatesController, ApiTokensController, WebhooksController, ExportsController, ImportsController, ImportJobsController, ViewsController, FilesController],
      providers: [
        { provide: RUNTIME_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        Clock,
        AuditRepository,
        AuditService,
        TenantDatabase,
        PasswordHasher,
        AuthService,
        FormsRepository,
        FormsService,
        FieldIndexService,
        RecordsRepository,
        RecordsService,
        UserDirectory,
        TenantsRepository,
        TenantsService,
        ReportsRepository,
        ReportsService,
        CreditControlService,
        CustomerRollupsService,
        PaymentAllocationService,
        RulesRepository,
        RulesService,
        JobsService,
        RemindersService,
        CollectionService,
        UsersService,
        TemplatesService,
        DemoSeeder,
        ApiTokensRepository,
        ApiTokensService,
        TokenRateLimiter,
        WebhooksRepository,
        WebhooksService,
        WebhookDispatcher,
        ExportsService,
        ImportsService,
        ImportJobsService,
        ViewsRepository,
        ViewsService,
        FilesRepository,
        FilesService,
      ],
    };
  }
}

import { Foundation1764000000000 } from './1764000000000-foundation.js';
import { RevisionsAndAudit1764000100000 } from './1764000100000-revisions-and-audit.js';
import { FormPermissions1764000200000 } from './1764000200000-form-permissions.js';
import { FormDrafts1764000300000 } from './1764000300000-form-drafts.js';
import { TenantSettings1764000400000 } from './1764000400000-tenant-settings.js';
import { ImmutableCasts1764000500000 } from './1764000500000-immutable-casts.js';
import { RuleSets1764000600000 } from './1764000600000-rule-sets.js';
import { RecordsTenantView1764000700000 } from './1764000700000-records-tenant-view.js';
import { RecomputeRevisions1764000800000 } from './1764000800000-recompute-revisions.js';
import { ApiTokens1764000810000 } from './1764000810000-api-tokens.js';
import { Reminders1764000900000 } from './1764000900000-reminders.js';
import { Webhooks1764100000000 } from './1764100000000-webhooks.js';
import { WebhooksLeanOutbox1764100100000 } from './1764100100000-webhooks-lean-outbox.js';
import { ImportJobs1764200000000 } from './1764200000000-import-jobs.js';
import { TypedProjections1764500000000 } from './1764500000000-typed-projections.js';
import { SavedViewsAndFiles1764600000000 } from './1764600000000-saved-views-and-files.js';
import { ParallelSafeTenant1764700000000 } from './1764700000000-parallel-safe-tenant.js';
import { WebhookOrdering1764940000000 } from './1764940000000-webhook-ordering.js';
import { RecordsByForm1764910000000 } from './1764910000000-records-by-form.js';
import { CreateRevisionChanges1764960000000 } from './1764960000000-create-revision-changes.js';
import { RecordsTotalEstimate1764980000000 } from './1764980000000-records-total-estimate.js';
import { WebhookAlertsByForm1764990000000 } from './1764990000000-webhook-alerts-by-form.js';
import { WebhookErrorCodes1764990000100 } from './1764990000100-webhook-error-codes.js';
import { CustomerClassLabels1764990000200 } from './1764990000200-customer-class-labels.js';
import { AlertMessages1765000000000 } from './1765000000000-alert-messages.js';
import { ReceivableResultLabels1765000000100 } from './1765000000100-receivable-result-labels.js';
import { ImportInsertOrRefuse1765010000000 } from './1765010000000-import-insert-or-refuse.js';

/** Every platform migration, in order. New migrations are appended here. */
export const migrations = [
  Foundation1764000000000,
  RevisionsAndAudit1764000100000,
  FormPermissions1764000200000,
  FormDrafts1764000300000,
  TenantSettings1764000400000,
  ImmutableCasts1764000500000,
  RuleSets1764000600000,
  RecordsTenantView1764000700000,
  RecomputeRevisions1764000800000,
  ApiTokens1764000810000,
  Reminders1764000900000,
  Webhooks1764100000000,
  WebhooksLeanOutbox1764100100000,
  ImportJobs1764200000000,
  TypedProjections1764500000000,
  SavedViewsAndFiles1764600000000,
  ParallelSafeTenant1764700000000,
  WebhookOrdering1764940000000,
  RecordsByForm1764910000000,
  CreateRevisionChanges1764960000000,
  RecordsTotalEstimate1764980000000,
  WebhookAlertsByForm1764990000000,
  WebhookErrorCodes1764990000100,
  CustomerClassLabels1764990000200,
  AlertMessages1765000000000,
  ReceivableResultLabels1765000000100,
  ImportInsertOrRefuse1765010000000,
];

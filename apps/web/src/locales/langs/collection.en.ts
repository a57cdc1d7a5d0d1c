import type collectionZhCN from './collection.zh-CN';

/** Collection workflow settings (en). */
const collectionEn: typeof collectionZhCN = {
  collection: {
    nav: 'Collection plan',
    title: 'Collection plan',
    subtitle: "Each stage's days from the due date, who gets the task, its instruction, and whether the customer is e-mailed; runs daily at 08:00",
    readOnly: 'Only admins and credit managers can change the collection plan',
    stage: 'Stage',
    offset: 'Trigger (days from due date)',
    offsetHint: 'D{sign}{days}',
    assignee: 'Assignee',
    assignees: { system: 'Automatic', sales_owner: 'Sales owner', collector: 'Collector', credit_manager: 'Credit manager' },
    instructionZh: 'Instruction (Chinese)',
    instructionEn: 'Instruction (English)',
    email: 'E-mail',
    actions: 'Actions',
    add: 'Add stage',
    remove: 'Remove',
    grace: 'Promise grace days',
    graceHint: 'A promise to pay still unpaid this many days after its date counts as broken (PTP_BROKEN)',
    save: 'Save',
    reset: 'Discard changes',
    saved: 'Collection plan saved',
    runNow: 'Run now',
    runDone: 'Done: {created} tasks created, {closed} closed, {emails} e-mails sent',
    runNoSmtp: 'No SMTP_URL configured: {n} reminders not sent',
    errors: {
      required: 'Required',
      duplicate: 'Duplicate stage',
      ascending: 'Stages and days must rise in order',
      full: 'At most 8 stages',
    },
  },
};

export default collectionEn;

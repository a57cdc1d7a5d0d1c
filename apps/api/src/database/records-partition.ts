const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A form's partition of `records` (records_<form id without dashes>), as the SQL function
 * credo_records_partition_name names it. `records` is LIST-partitioned by form_id; the partition
 * is created with the form (trigger on forms).
 */
export function recordsPartition(formId: string): string {
  if (!UUID.test(formId)) throw new Error('form id must be a uuid');
  return `records_${formId.toLowerCase().replace(/-/g, '')}`;
}

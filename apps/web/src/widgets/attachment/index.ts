import { defineAsyncComponent } from 'vue';
import { EMPTY_CELL, type WidgetDefinition } from '../types';

/** One stored attachment, as the engine's attachment type keeps it. */
export interface AttachmentValue {
  id: string;
  name: string;
  size?: number;
  mime?: string;
}

export function asAttachments(value: unknown): AttachmentValue[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is AttachmentValue => !!v && typeof v === 'object' && typeof (v as AttachmentValue).id === 'string' && typeof (v as AttachmentValue).name === 'string');
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export const attachmentWidget: WidgetDefinition = {
  id: 'upload',
  types: ['attachment'],
  align: 'left',
  minWidth: 160,
  display: (value) => {
    const files = asAttachments(value);
    return files.length ? files.map((f) => f.name).join('、') : EMPTY_CELL;
  },
  editor: defineAsyncComponent(() => import('./editor.vue')),
};

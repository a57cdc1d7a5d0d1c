import { inject, type ComputedRef, type InjectionKey, type Ref } from 'vue';
import type { Locale } from '@credo/form-engine';
import type { DefinitionCheck, FieldPath, FormDefinition } from '@/adapter/designer';
import type { RecordData } from '@/api/records';

/** What the designer's panes share: the draft, the selection and the engine's verdict. */
export interface DesignerContext {
  def: Ref<FormDefinition>;
  /** null = the form itself is selected. */
  selected: Ref<FieldPath | null>;
  /** Section palette clicks add to. */
  currentSection: Ref<string>;
  check: ComputedRef<DefinitionCheck>;
  /** Values typed into the preview (formula live results read them). */
  previewData: RecordData;
  engineLocale: ComputedRef<Locale>;
  isNew: ComputedRef<boolean>;
  /**
   * Messages about the form itself (key, title, fields…) the author should see now: on a new form
   * only for properties they have left (touch) or once they tried to save or publish.
   */
  formErrors: ComputedRef<Record<string, string>>;
  /** The author has left this form property (its error may show from now on). */
  touch(property: string): void;
  /** Mutate the draft in place; one undo step per call (same tag within a moment = one step). */
  change(mutate: (def: FormDefinition) => void, tag?: string): void;
}

export const DESIGNER: InjectionKey<DesignerContext> = Symbol('designer');

export function useDesigner(): DesignerContext {
  const ctx = inject(DESIGNER);
  if (!ctx) throw new Error('useDesigner() outside the designer');
  return ctx;
}

/** Field id used in check.byField: "key" or "table.column". */
export function fieldId(path: FieldPath): string {
  return path.column ? `${path.key}.${path.column}` : path.key;
}

import { http } from './request';
import type { RecordFilter } from './records';

/** What a saved view remembers of a record list. */
export interface SavedViewState {
  filter?: RecordFilter;
  sort?: string | null;
  columns?: string[] | null;
}

export interface SavedView {
  id: string;
  form: string;
  name: string;
  shared: boolean;
  /** Saved by the caller (who may delete it; shared ones: admins). */
  mine: boolean;
  state: SavedViewState;
  createdAt: string;
}

function base(formKey: string): string {
  return `/forms/${encodeURIComponent(formKey)}/views`;
}

export const viewsApi = {
  list(formKey: string, signal?: AbortSignal): Promise<{ items: SavedView[] }> {
    return http.get(base(formKey), { signal });
  },
  create(formKey: string, body: { name: string; shared?: boolean; state: SavedViewState }): Promise<SavedView> {
    return http.post(base(formKey), body);
  },
  remove(formKey: string, id: string): Promise<void> {
    return http.delete(`${base(formKey)}/${encodeURIComponent(id)}`);
  },
};

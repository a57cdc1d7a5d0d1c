import type workspaceZhCN from './workspace.zh-CN';

const workspaceEn: typeof workspaceZhCN = {
  ws: {
    nav: {
      provision: 'Provision rates',
    },
    views: {
      label: 'View',
      all: 'All records (default view)',
      mine: 'My views',
      shared: 'Shared views',
      save: 'Save as view',
      saveTitle: 'Save the current view',
      name: 'View name',
      namePlaceholder: 'e.g. Large corporate customers',
      nameRequired: 'Enter a name for the view',
      shareWithAll: 'Share with everyone who can read this form',
      includes: 'Saves {filters} filter(s), sort "{sort}", {columns} column(s)',
      defaultSort: 'default',
      defaultColumns: 'default',
      saved: 'View "{name}" saved',
      deleted: 'View "{name}" deleted',
      remove: 'Delete view',
      removeConfirm: 'Delete the view "{name}"?',
      empty: 'No saved views yet',
      applied: 'View "{name}" applied',
      sharedTag: 'Shared',
    },
    attachments: {
      upload: 'Upload file',
      uploading: 'Uploading…',
      hint: 'Up to 10 MB per file',
      tooLarge: '"{name}" is over 10 MB and was not uploaded',
      failed: 'Uploading "{name}" failed: {reason}',
      download: 'Download',
      remove: 'Remove',
      none: 'No attachments',
      max: 'At most {n} files',
    },
    provision: {
      title: 'Provision rates',
      subtitle: 'Bad-debt provision rate per aging bracket (percent, up to two decimals), used by the dashboard and the provision report.',
      bracket: 'Aging bracket',
      rate: 'Rate (%)',
      save: 'Save',
      reset: 'Reset',
      saved: 'Provision rates saved',
      readOnly: 'Only admins can change the rates; you can see the current settings.',
      invalid: 'Enter a number from 0 to 100 with at most two decimals',
      notAscending: 'Must not be below the previous bracket ({prev}%)',
      brackets: {
        '0-1y': 'Within 1 year',
        '1-2y': '1–2 years',
        '2-3y': '2–3 years',
        '3-4y': '3–4 years',
        '4-5y': '4–5 years',
        '5y+': 'Over 5 years',
      },
    },
  },
};

export default workspaceEn;

/** The non-owner role the API runs as; row-level security applies to it. */
export const APP_ROLE = 'credo_app';

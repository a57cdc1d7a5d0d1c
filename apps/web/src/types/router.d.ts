import 'vue-router';

export {};

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (login, 404). */
    public?: boolean;
    /** i18n key of the page title. */
    titleKey?: string;
    /** Sidebar entry to highlight. */
    menu?: string;
  }
}

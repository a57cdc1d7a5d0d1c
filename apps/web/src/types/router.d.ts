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
    /** Only users with one of these roles may open the page (the API refuses the others anyway). */
    roles?: string[];
  }
}

/** The build's id (vite.config.ts `define`): the persisted query cache of another build is not restored. */
declare const __SLATE_BUILD__: string;

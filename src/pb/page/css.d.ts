// Stylesheets are bundled by esbuild (scripts/build-page.mjs) into app.css.
declare module "*.css";

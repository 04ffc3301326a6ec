// The one front-end build step: npm amazon-ivs-player ships CommonJS for a bundler only,
// so `npm run build` (make setup) bundles it, with `events` for the Node built-in it
// expects, into build/ivs-player/ivs-player.min.js, which defines the global IVSPlayer
// that web/viewer/player.js loads when config.json says "ivs" (ADR 0018).
export * from "amazon-ivs-player";

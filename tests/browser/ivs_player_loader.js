// Test-only (tests/browser/test_viewer_playback.py): what a bundler does for the npm
// IVS Player, in the page. `require` over web/node_modules, which the test serves to its
// page at /test-node-modules/; `events` (a Node built-in the package expects its bundler
// to supply) as the EventEmitter package installed beside it. Defines the global
// IVSPlayer the viewer's player seam looks for, loaded on first use.
(() => {
  const cache = {};
  const root = `${location.origin}/test-node-modules`;
  const alias = { events: "eventemitter3" };
  const get = (url) => {
    const request = new XMLHttpRequest();
    request.open("GET", url, false);
    request.send();
    return request.status === 200 ? request.responseText : null;
  };
  function find(spec, dir) {
    const named = spec.startsWith(".") ? new URL(spec, `${dir}/`).href : `${root}/${alias[spec] || spec}`;
    const base = named.replace(/\/$/, "");
    for (const url of [base, `${base}.js`, `${base}/index.js`]) {
      if (!url.endsWith(".js")) continue;
      const text = get(url);
      if (text !== null) return [url, text];
    }
    const pkg = get(`${base}/package.json`);
    if (pkg) return find(`./${JSON.parse(pkg).main || "index.js"}`, base);
    throw new Error(`cannot resolve ${spec} from ${dir}`);
  }
  function load(spec, dir) {
    const [url, text] = find(spec, dir);
    if (!cache[url]) {
      const module = { exports: {} };
      cache[url] = module;
      const run = new Function("module", "exports", "require", "process", `${text}\n//# sourceURL=${url}`);
      const folder = url.replace(/\/[^/]*$/, "");
      run(module, module.exports, (s) => load(s, folder), { env: { NODE_ENV: "production" } });
    }
    return cache[url].exports;
  }
  let player = null;
  Object.defineProperty(window, "IVSPlayer", {
    configurable: true,
    get: () => (player ||= load("amazon-ivs-player", root)),
  });
})();

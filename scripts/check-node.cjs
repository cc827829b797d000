// `npm test` runs this first (pretest), on whatever `node` npm finds. It is plain CommonJS with
// nothing newer than ES5 syntax so that it loads on any Node and says why the tests cannot run,
// instead of vitest dying inside its own code (`Map.groupBy is not a function` on Node 20).
// The Node 24 binary comes from the `node` devDependency's install script: `npm ci --ignore-scripts`
// skips it, and npm scripts then fall back to the machine's Node (docs/toolchain.md, traps 4 and 5).
'use strict'
var required = 24
var version = process.versions.node
var major = Number(version.split('.')[0])
if (!(major >= required)) {
  process.stderr.write(
    'error: the tests need Node ' +
      required +
      " or later (the action's runtime); npm scripts run on Node " +
      version +
      ' (' +
      process.execPath +
      ').\n' +
      'The project installs Node ' +
      required +
      ' as a devDependency, but only when install scripts run:\n' +
      '  npm ci            # not --ignore-scripts (or set ignore-scripts=false in .npmrc)\n' +
      'or put Node ' +
      required +
      ' first on PATH yourself (nvm install ' +
      required +
      ', fnm use, volta, mise).\n',
  )
  process.exit(1)
}

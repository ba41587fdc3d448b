// Every npm script goes through here first: the machines' own Node is 20, the project brings Node 24
// (the `node` devDependency). A tool started outside npm would silently run on the wrong one.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  console.error(
    `Strata needs Node 24 but this is Node ${process.versions.node} (${process.execPath}).\n` +
      'Run it through npm (`npm start`, `npm test`, `npx …`) so node_modules/.bin/node (Node 24) is used; ' +
      'if that binary is missing, run `npm install` again with install scripts allowed for the `node` package.',
  );
  process.exit(1);
}

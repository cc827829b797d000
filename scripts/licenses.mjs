// Writes the licenses of every production dependency (the packages bundled into dist/) to
// stdout, in a stable order, for dist/licenses.txt. ncc's own --license output only covers the
// last chunk it writes once the bundle is split, so the list comes from package-lock.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'))
const entries = Object.entries(lock.packages)
  .filter(([path, meta]) => path.startsWith('node_modules/') && !meta.dev && !meta.optional)
  .map(([path, meta]) => ({
    path,
    name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length),
    version: meta.version,
    license: meta.license,
  }))
  .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))

const seen = new Set()
const sections = []
for (const { path, name, version, license } of entries) {
  if (seen.has(`${name}@${version}`)) continue
  seen.add(`${name}@${version}`)
  const file = existsSync(path) ? readdirSync(path).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f)) : undefined
  const text = file ? readFileSync(join(path, file), 'utf8').trim() : '(no license file in the package)'
  sections.push(`${name}@${version}\n${license ?? 'UNKNOWN'}\n${text}`)
}
process.stdout.write(`${sections.join('\n\n')}\n`)

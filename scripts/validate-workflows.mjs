// Validates action.yml, every workflow under .github/workflows/, and every YAML example in the
// README with @action-validator/cli. Exits non-zero when any fails. Run by .ci/run.
//
// action-validator 0.6.0 (the latest) predates the node24 runtime: its schema rejects
// `using: node24`. So action.yml is validated with `using` read as node20, and `using: node24`
// is checked here separately; every other field gets the validator's full check.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const temp = mkdtempSync(join(tmpdir(), 'validate-'))
const validator = join('node_modules', '.bin', 'action-validator')
const failures = []
let checked = 0

function validate(label, file) {
  checked++
  const result = spawnSync(validator, [file], { encoding: 'utf8' })
  if (result.status !== 0) failures.push(`${label}:\n${result.stdout}${result.stderr}`)
}

const action = readFileSync('action.yml', 'utf8')
if (!/^ {2}using: node24$/m.test(action)) failures.push('action.yml: runs.using must be node24')
const actionForValidator = join(temp, 'action.yml')
writeFileSync(actionForValidator, action.replace(/^( {2}using: )node24$/m, '$1node20'))
validate('action.yml', actionForValidator)

for (const name of readdirSync(join('.github', 'workflows'))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()) {
  validate(`.github/workflows/${name}`, join('.github', 'workflows', name))
}

const readme = readFileSync('README.md', 'utf8')
const examples = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1])
examples.forEach((example, index) => {
  const file = join(temp, `readme-example-${index + 1}.yml`)
  if (!/^jobs:/m.test(example) || !/^on:/m.test(example)) {
    failures.push(`README example ${index + 1} is not a complete workflow (every YAML example must be one)`)
    return
  }
  writeFileSync(file, example)
  validate(`README example ${index + 1} (${example.match(/^name: (.*)$/m)?.[1] ?? 'unnamed'})`, file)
})

if (failures.length > 0) {
  process.stderr.write(`${failures.join('\n\n')}\n\n${failures.length} of ${checked} files failed validation.\n`)
  process.exit(1)
}
process.stdout.write(
  `Validated ${checked} files: action.yml, ${checked - 1 - examples.length} workflows, ${examples.length} README examples.\n`,
)

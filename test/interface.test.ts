import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

// One source of truth for the public interface: action.yml. The README's tables and the
// contract in docs/contract.md must agree with it.

const root = join(import.meta.dirname, '..')
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
  runs: { using: string; main: string }
  branding: unknown
  inputs: Record<string, { description?: string; required?: boolean; default?: string }>
  outputs: Record<string, { description?: string }>
}
const readme = readFileSync(join(root, 'README.md'), 'utf8')

/** The rows of the first table after a heading: the first cell's `name`, and the second cell. */
function table(heading: string): Array<{ name: string; second: string }> {
  const start = readme.indexOf(`\n## ${heading}\n`)
  expect(start, `README has a "## ${heading}" section`).toBeGreaterThan(-1)
  const section = readme.slice(start + 1).split('\n## ')[0]!
  return section
    .split('\n')
    .filter((line) => /^\| `[a-z-]+` \|/.test(line))
    .map((line) => {
      const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim())
      return { name: cells[1]!.replace(/`/g, ''), second: cells[2]! }
    })
}

describe('action.yml', () => {
  it('runs the bundle on node24, with branding', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(action.branding).toBeDefined()
  })

  it('describes every input and output', () => {
    for (const [name, input] of Object.entries(action.inputs)) expect(input.description, name).toBeTruthy()
    for (const [name, output] of Object.entries(action.outputs)) expect(output.description, name).toBeTruthy()
  })
})

describe('the README and action.yml agree', () => {
  it('list the same inputs, in the same order', () => {
    expect(table('Inputs').map((row) => row.name)).toEqual(Object.keys(action.inputs))
  })

  it('agree on what is required and on every default', () => {
    for (const row of table('Inputs')) {
      const input = action.inputs[row.name]!
      const required = input.required === true
      expect(
        row.second === 'required',
        `${row.name}: README says "${row.second}", action.yml required: ${required}`,
      ).toBe(required)
      if (input.default !== undefined) {
        expect(row.second, `${row.name}: the README default must be action.yml's`).toBe(`\`${input.default}\``)
      } else if (!required) {
        // No default in action.yml: the README must not claim a literal one.
        expect(row.second, `${row.name}: action.yml has no default`).not.toMatch(/^`[^`]*`$/)
      }
    }
  })

  it('list the same outputs, in the same order', () => {
    expect(table('Outputs').map((row) => row.name)).toEqual(Object.keys(action.outputs))
  })
})

const contract = join(root, 'docs', 'contract.md')

describe('the contract in docs/contract.md', () => {
  it('has every input and output in action.yml, and action.yml nothing else', () => {
    const text = readFileSync(contract, 'utf8')
    const section = (heading: string) =>
      [
        ...text
          .split(`## ${heading}`)[1]!
          .split('\n## ')[0]!
          .matchAll(/^\| `([a-z-]+)` \|/gm),
      ].map((m) => m[1])
    expect(Object.keys(action.inputs).sort()).toEqual(section('Inputs').sort())
    expect(Object.keys(action.outputs).sort()).toEqual(section('Outputs').sort())
  })
})

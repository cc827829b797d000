import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    testTimeout: 30_000,
    // Tests stub process.env and spy on stdout: one file at a time keeps them apart.
    fileParallelism: false,
    restoreMocks: true,
    unstubEnvs: true,
  },
})

import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

// A loopback proxy in front of a sandbox service, for faults the fakes cannot stage: a body that
// drips, never ends or is huge, headers the fake never sends. Each request goes to `hook` first; a
// hook that returns false lets the request through untouched.

export interface Upstream {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: Buffer
}

export type Hook = (
  req: IncomingMessage,
  res: ServerResponse,
  forward: () => Promise<Upstream>,
) => boolean | Promise<boolean>

export interface Proxy {
  /** The proxy's base URL, with the upstream's path (e.g. /api/v3). */
  readonly url: string
  hook: Hook
  close(): Promise<void>
}

export async function startProxy(upstreamBase: string): Promise<Proxy> {
  const upstream = new URL(upstreamBase)
  const proxy: Proxy & { server?: ReturnType<typeof createServer> } = {
    url: '',
    hook: () => false,
    close: async () => undefined,
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const forward = () =>
        new Promise<Upstream>((resolve, reject) => {
          const out = httpRequest(
            {
              host: upstream.hostname,
              port: upstream.port,
              method: req.method,
              path: req.url,
              headers: { ...req.headers, host: upstream.host },
            },
            (answer) => {
              const parts: Buffer[] = []
              answer.on('data', (c: Buffer) => parts.push(c))
              answer.on('end', () =>
                resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(parts) }),
              )
              answer.on('error', reject)
            },
          )
          out.on('error', reject)
          out.end(body)
        })
      void (async () => {
        if (await proxy.hook(req, res, forward)) return
        const answer = await forward()
        const headers = { ...answer.headers }
        delete headers['transfer-encoding']
        delete headers['content-length']
        delete headers.connection
        res.writeHead(answer.status, headers).end(answer.body)
      })().catch(() => req.socket.destroy())
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}${upstream.pathname.replace(/\/$/, '')}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  })
}

import sodium from 'libsodium-wrappers'
import { FakeService, header, type RecordedRequest, type Reply } from './fake-http.js'

// The secrets endpoints of GitHub's REST API with a real key pair per repository, so that a test
// can decrypt what was written with that repository's private key (and only with it).

interface FakeRepo {
  readonly keyId: string
  readonly publicKey: Uint8Array
  readonly privateKey: Uint8Array
  readonly secrets: Map<string, { encrypted_value: string; key_id: string }>
}

let keyIds = 1000

export class FakeGitHub extends FakeService {
  readonly repos = new Map<string, FakeRepo>()

  constructor(
    readonly token: string,
    baseUrl = 'https://github.test/api/v3',
  ) {
    super(baseUrl)
  }

  static async ready(): Promise<void> {
    await sodium.ready
  }

  addRepo(fullName: string): this {
    const pair = sodium.crypto_box_keypair()
    this.repos.set(fullName.toLowerCase(), {
      keyId: String(keyIds++),
      publicKey: pair.publicKey,
      privateKey: pair.privateKey,
      secrets: new Map(),
    })
    return this
  }

  /** Opens the stored secret with this repository's own key pair. */
  decrypt(fullName: string, secret: string): string {
    const repo = this.repos.get(fullName.toLowerCase())
    const stored = repo?.secrets.get(secret)
    if (!repo || !stored) throw new Error(`no secret ${secret} in ${fullName}`)
    const sealed = sodium.from_base64(stored.encrypted_value, sodium.base64_variants.ORIGINAL)
    return sodium.to_string(sodium.crypto_box_seal_open(sealed, repo.publicKey, repo.privateKey))
  }

  hasSecret(fullName: string, secret: string): boolean {
    return this.repos.get(fullName.toLowerCase())?.secrets.has(secret) ?? false
  }

  protected handle(method: string, path: string, headers: RecordedRequest['headers'], body: unknown): Reply {
    const auth = header(headers, 'authorization')
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) return [401, { message: 'Bad credentials' }]
    const relative = path.slice(new URL(this.baseUrl).pathname.replace(/\/$/, '').length)
    const match = /^\/repos\/([^/]+)\/([^/]+)\/actions\/secrets\/([^/]+)$/.exec(relative)
    if (!match) return [404, { message: 'Not Found' }]
    const [, owner, name, secretName] = match
    const repo = this.repos.get(`${owner}/${name}`.toLowerCase())
    if (!repo) return [404, { message: 'Not Found' }]
    if (method === 'GET' && secretName === 'public-key') {
      return [200, { key_id: repo.keyId, key: sodium.to_base64(repo.publicKey, sodium.base64_variants.ORIGINAL) }]
    }
    if (method === 'PUT') {
      const request = body as { encrypted_value?: string; key_id?: string }
      if (!request.encrypted_value || request.key_id !== repo.keyId) {
        return [422, { message: 'Invalid request.\n\nkey_id does not match the repository public key.' }]
      }
      const existed = repo.secrets.has(secretName!)
      repo.secrets.set(secretName!, { encrypted_value: request.encrypted_value, key_id: request.key_id })
      return existed ? [204] : [201, {}]
    }
    return [404, { message: 'Not Found' }]
  }
}

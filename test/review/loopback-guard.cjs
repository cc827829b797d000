// Preloaded into the bundle's process (NODE_OPTIONS=--require): refuses any connection or name
// lookup that is not loopback, and says so on stderr, so that a review test can never reach
// another address and can see that the action tried.
const net = require('node:net')
const dns = require('node:dns')
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i
const blocked = (what) => {
  process.stderr.write(`REVIEW-GUARD-BLOCKED ${what}\n`)
  return new Error(`review guard: ${what} is not loopback`)
}
const connect = net.Socket.prototype.connect
net.Socket.prototype.connect = function (...args) {
  const options =
    typeof args[0] === 'object' && args[0] !== null
      ? Array.isArray(args[0])
        ? args[0][0]
        : args[0]
      : { port: args[0], host: typeof args[1] === 'string' ? args[1] : 'localhost' }
  const host = options.host ?? 'localhost'
  if (!options.path && !LOOPBACK.test(host)) {
    const error = blocked(`connect ${host}:${options.port}`)
    process.nextTick(() => this.destroy(error))
    return this
  }
  return connect.apply(this, args)
}
const lookup = dns.lookup
dns.lookup = function (host, ...rest) {
  const callback = rest[rest.length - 1]
  if (!LOOPBACK.test(host)) return process.nextTick(() => callback(blocked(`lookup ${host}`)))
  return lookup.call(this, host, ...rest)
}
const promises = dns.promises.lookup
dns.promises.lookup = async function (host, ...rest) {
  if (!LOOPBACK.test(host)) throw blocked(`lookup ${host}`)
  return promises.call(this, host, ...rest)
}

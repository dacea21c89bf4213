import { mkdtempSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect, startWebMode } from './support/fixtures'

/**
 * Web mode's token in a real browser: it leaves the address bar, two instances on two ports in
 * one browser keep working side by side, and no other local server ever receives it.
 */
test.describe('the web access token', () => {
  test.skip(({ launcher }) => launcher !== 'web', 'web mode only')

  let other: Server
  const seen: { url: string; headers: IncomingHttpHeaders }[] = []

  test.beforeAll(async () => {
    // Another local server, as any developer has running: it records what browsers send it.
    other = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers })
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other</title>')
    })
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
  })
  test.afterAll(async () => {
    await new Promise((resolve) => other.close(resolve))
  })

  test('two instances on two ports work side by side and the token goes to neither the address bar nor other servers', async ({ app }) => {
    const page = app
    expect(page.url()).not.toMatch(/token/)
    const token = await page.evaluate(() => sessionStorage.getItem('queuescope.token'))
    expect(token).toMatch(/^[\w-]{20,}$/)
    expect(await page.context().cookies()).toEqual([])

    // A second instance in the same browser context, opened from its own printed URL.
    const second = await startWebMode(mkdtempSync(join(tmpdir(), 'qs-e2e-second-')))
    try {
      const secondPage = await page.context().newPage()
      await secondPage.goto(second.url)
      await secondPage.locator('html[data-app-state="ready"]').waitFor()
      expect(await secondPage.evaluate(() => sessionStorage.getItem('queuescope.token'))).not.toBe(token)

      // The first still works after the second started, a reload included (its tab kept its token).
      await page.reload()
      await page.locator('html[data-app-state="ready"]').waitFor()
      await expect(page.getByRole('navigation', { name: 'Profiles' })).toBeVisible()

      // An older printed URL (/?token=) lands on the same page with a clean address bar.
      const legacy = await page.context().newPage()
      await legacy.goto(second.url.replace('/#token=', '/?token='))
      await legacy.locator('html[data-app-state="ready"]').waitFor()
      expect(legacy.url()).not.toMatch(/token/)

      // Nothing the pages do sends the token to another port: visit it from each page.
      const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/`
      for (const visitor of [page, secondPage, legacy]) {
        await visitor.goto(otherUrl)
        await expect(visitor).toHaveTitle('other')
      }
      expect(seen.length).toBeGreaterThanOrEqual(3)
      const secondToken = new URL(second.url).hash.replace('#token=', '')
      for (const request of seen) {
        const sent = JSON.stringify(request)
        expect(sent).not.toContain(token!)
        expect(sent).not.toContain(secondToken)
        expect(request.headers.cookie).toBeUndefined()
      }
      expect(await page.context().cookies()).toEqual([])
    } finally {
      second.child.kill('SIGTERM')
    }
  })

  test("the page's CSP keeps it from connecting anywhere but its own server", async ({ app }) => {
    const otherPort = (other.address() as AddressInfo).port
    const blocked = await app.evaluate(async (port) => {
      const violation = new Promise<string>((resolve) =>
        document.addEventListener('securitypolicyviolation', (e) => {
          if (e.blockedURI.startsWith('ws:')) resolve(`${e.effectiveDirective} ${e.blockedURI}`)
        }),
      )
      const fetched = await fetch(`http://127.0.0.1:${port}/`).then(
        () => 'fetched',
        () => 'refused',
      )
      try {
        new WebSocket(`ws://127.0.0.1:${port}/`)
      } catch {
        // some Chromium versions throw as well as reporting the violation
      }
      return { fetched, violation: await violation }
    }, otherPort)
    expect(blocked.fetched).toBe('refused')
    expect(blocked.violation).toMatch(new RegExp(`^connect-src ws://127\\.0\\.0\\.1:${otherPort}`))
  })
})

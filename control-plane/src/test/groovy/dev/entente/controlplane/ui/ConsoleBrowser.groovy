package dev.entente.controlplane.ui

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.hub.RunningHub

import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration

/**
 * A browser as far as the console can tell: asks for HTML, keeps the cookies the hub sets (by
 * name; the hub sets them all on /ui), follows no redirect by itself, and reads each page's form
 * token the way a form would carry it. Given a cookie jar, which other browsers may share, it sends
 * the jar to every port of the hub's host, as real browsers do.
 */
class ConsoleBrowser {
    final String base
    final Map<String, String> cookies
    /** The name of the hub's session cookie. */
    final String session
    private final boolean hostWide

    ConsoleBrowser(RunningHub hub) {
        this(hub, [:], false)
    }

    /** A browser keeping its cookies in {@code jar}, which others may share: it sends them to every port of the hub's host. */
    ConsoleBrowser(RunningHub hub, Map<String, String> jar) {
        this(hub, jar, true)
    }

    private ConsoleBrowser(RunningHub hub, Map<String, String> jar, boolean hostWide) {
        base = hub.url()
        cookies = jar
        session = 'entente_console_' + hub.hubId().substring('hub_'.length())
        this.hostWide = hostWide
    }

    static class Page {
        int status
        String contentType
        String text
        Map<String, List<String>> headers

        String header(String name) {
            headers.find { it.key.equalsIgnoreCase(name) }?.value?.first()
        }

        List<String> setCookies() {
            headers.find { it.key.equalsIgnoreCase('set-cookie') }?.value ?: []
        }

        String location() {
            header('location')
        }

        /** The form token the page's forms carry. */
        String csrf() {
            def m = text =~ /name="csrf" value="([^"]+)"/
            m.find() ? m.group(1) : null
        }

        /** The text of the element with {@code id}, tags stripped. */
        String byId(String id) {
            def m = text =~ /(?s)id="${id}"[^>]*>(.*?)<\/(pre|span|p|dd|strong|code|td|div|section|h1|table|ol|ul)>/
            m.find() ? m.group(1).replaceAll(/<[^>]+>/, '').trim() : null
        }

        boolean has(String id) {
            text.contains("id=\"${id}\"")
        }
    }

    Page get(String path) {
        send(HttpRequest.newBuilder(URI.create(base + path)).GET())
    }

    /**
     * Follows redirects from {@code url} (another site's too, such as an identity provider's) until
     * a page answers; the hub's cookies travel only to the hub.
     */
    Page follow(String url) {
        String next = url
        for (int i = 0; i < 10; i++) {
            Page page = visit(next)
            if (page.status < 300 || page.status >= 400) {
                return page
            }
            next = page.location()
        }
        throw new AssertionError('too many redirects from ' + url)
    }

    /** One GET of {@code url}, the hub's (a path) or another site's. */
    Page visit(String url) {
        send(HttpRequest.newBuilder(URI.create(url.startsWith('/') ? base + url : url)).GET())
    }

    /** Posts {@code form} URL-encoded, as a browser submits a form. */
    Page post(String path, Map<String, Object> form) {
        String body = form.collectMany { k, v -> (v instanceof List ? v : [v]).collect { "${enc(k)}=${enc(String.valueOf(it))}" } }.join('&')
        send(HttpRequest.newBuilder(URI.create(base + path)).header('Content-Type', 'application/x-www-form-urlencoded')
                .POST(HttpRequest.BodyPublishers.ofString(body)))
    }

    /** Signs in by pasting {@code token} on the sign-in page. */
    Page signIn(String token) {
        Page login = get('/ui/login')
        post('/ui/login', [csrf: login.csrf(), token: token])
    }

    /** The form token of the page at {@code path}. */
    String csrf(String path = '/ui') {
        get(path).csrf()
    }

    private static String enc(String s) {
        URLEncoder.encode(s, 'UTF-8')
    }

    private Page send(HttpRequest.Builder b) {
        b.timeout(Duration.ofSeconds(30)).header('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8')
        HttpRequest built = b.build()
        if (cookies && (built.uri().toString().startsWith(base) || hostWide && built.uri().host == URI.create(base).host)) {
            b.header('Cookie', cookies.collect { k, v -> "$k=$v" }.join('; '))
        }
        HttpResponse<String> r = HubHttp.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString())
        Page page = new Page(status: r.statusCode(), contentType: r.headers().firstValue('content-type').orElse(null),
                text: r.body(), headers: r.headers().map())
        page.setCookies().each { String c ->
            String pair = c.split(';')[0]
            String name = pair.substring(0, pair.indexOf('='))
            String value = pair.substring(pair.indexOf('=') + 1)
            if (c.toLowerCase().contains('max-age=0') || value.isEmpty()) {
                cookies.remove(name)
            } else {
                cookies[name] = value
            }
        }
        page
    }
}

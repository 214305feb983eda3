package dev.entente.controlplane.ui

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import org.openqa.selenium.By
import org.openqa.selenium.OutputType
import org.openqa.selenium.TimeoutException
import org.openqa.selenium.WebElement
import org.openqa.selenium.chrome.ChromeDriver
import org.openqa.selenium.chrome.ChromeDriverService
import org.openqa.selenium.chrome.ChromeOptions
import org.openqa.selenium.logging.LogEntry
import org.openqa.selenium.logging.LogType
import org.openqa.selenium.logging.LoggingPreferences
import org.openqa.selenium.support.ui.ExpectedConditions
import org.openqa.selenium.support.ui.WebDriverWait

import javax.net.ssl.SSLSocket
import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import java.time.Duration
import java.util.logging.Level

/**
 * A headless Debian Chromium driven through chromedriver, for the console's browser specs.
 *
 * <p>Chromium, like every mainstream browser, implements no Ed25519 in TLS. A hub on its default
 * self-signed Ed25519 certificate serves a browser the ECDSA P-256 certificate derived from its key
 * ({@code BrowserHarnessSpec}); the console specs run their hubs in the custom TLS mode on an
 * ECDSA certificate ({@link #tlsFor}), as an operator's own CA or ACME would give them.
 *
 * <p>It trusts the hubs it is opened for by the SHA-256 pin of the public key each one serves,
 * and nothing else: a certificate error on any other key still stops the page, so a spec
 * cannot pass against the wrong server. It offers TLS 1.3 only, as the hub accepts nothing else.
 * Every host but loopback resolves to nothing, so a page that reaches out to the internet fails
 * fast instead of hanging a run without network.
 *
 * <p>Everything the page writes to the console is collected: {@link #assertNoPageErrors()}
 * fails on any Content-Security-Policy violation, script error or sub-resource that failed to
 * load, so the console's strict CSP is checked by the browser that enforces it.
 */
class Browser implements AutoCloseable {
    /** The viewport every spec and screenshot uses, so screenshots compare and layouts do not shift. */
    static final int WIDTH = 1280
    static final int HEIGHT = 900
    // Surefire runs in the module directory; the docs live at the repository root.
    static final Path SCREENSHOTS = Path.of('..', 'docs', 'console')
    static final String REGENERATE_COMMAND = "mvn -B -pl control-plane -am test -Dtest='*BrowserSpec' " +
            '-Dsurefire.failIfNoSpecifiedTests=false -Dentente.docs.regenerate=true'

    final ChromeDriver driver
    private final Path profile
    private final List<String> problems = []
    /** Pages the spec expects to answer with an error status (a refused action), by URL prefix. */
    private final List<String> expectedFailures = []

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver
        this.profile = profile
    }

    /** A fresh browser (its own profile dir, deleted by {@link #close()}) that trusts exactly {@code hubs}. */
    static Browser open(RunningHub... hubs) {
        String chromium = executable('chromium')
        String chromedriver = executable('chromedriver')
        Path profile = Files.createTempDirectory('entente-browser')
        def options = new ChromeOptions()
        options.binary = chromium
        options.addArguments(
                '--headless=new',
                // CI runs as root, where Chromium's sandbox cannot start
                '--no-sandbox',
                "--user-data-dir=${profile}".toString(),
                "--window-size=${WIDTH},${HEIGHT}".toString(),
                '--force-device-scale-factor=1',
                '--hide-scrollbars',
                "--ignore-certificate-errors-spki-list=${hubs.collect { spkiPin(it) }.join(',')}".toString(),
                '--ssl-version-min=tls1.3',
                '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
                '--no-first-run',
                '--no-default-browser-check',
                '--disable-background-networking',
                '--disable-component-update',
                '--disable-sync',
                '--disable-extensions',
                '--password-store=basic',
                '--lang=en-US')
        def logging = new LoggingPreferences()
        logging.enable(LogType.BROWSER, Level.ALL)
        options.setCapability(ChromeOptions.LOGGING_PREFS, logging)
        def service = new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort().withSilent(true).build()
        try {
            def driver = new ChromeDriver(service, options)
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30))
            new Browser(driver, profile)
        } catch (RuntimeException e) {
            profile.deleteDir()
            throw e
        }
    }

    /**
     * Settings for {@link dev.entente.controlplane.TestHubs#start} that make a hub named
     * {@code hubName} serve a fresh self-signed ECDSA P-256 certificate (custom TLS mode) for its
     * name and 127.0.0.1, made by the real openssl.
     */
    static Map<String, Object> tlsFor(String hubName) {
        Path dir = Files.createTempDirectory('entente-browser-tls')
        def openssl = new ProcessBuilder('openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
                '-nodes', '-keyout', 'hub.key', '-out', 'hub.crt', '-days', '365', '-subj', '/CN=' + hubName,
                '-addext', "subjectAltName=DNS:${hubName},IP:127.0.0.1".toString())
                .directory(dir.toFile()).redirectErrorStream(true).start()
        def out = openssl.inputStream.text
        assert openssl.waitFor() == 0: "openssl: ${out}"
        ['entente.hub.name'     : hubName, 'entente.tls.mode': 'custom',
         'entente.tls.cert-file': dir.resolve('hub.crt').toString(), 'entente.tls.key-file': dir.resolve('hub.key').toString()]
    }

    /**
     * Base64 of the SHA-256 of the SubjectPublicKeyInfo the hub serves right now, the form
     * Chromium's {@code --ignore-certificate-errors-spki-list} takes; read from a TLS 1.3 handshake.
     */
    static String spkiPin(RunningHub hub) {
        // a hub on an Ed25519 certificate serves browsers the ECDSA one derived from it: its pin is in tls info
        def info = TestHubs.cli(hub, 'tls', 'info', '--output', 'json')
        if (info.code == 0 && info.json?.browser_spki_sha256) {
            return info.json.browser_spki_sha256
        }
        URI uri = URI.create(hub.url())
        def socket = (SSLSocket) HubHttp.trustAll('TLSv1.3').socketFactory.createSocket(uri.host, uri.port)
        try {
            socket.enabledProtocols = ['TLSv1.3'] as String[]
            socket.startHandshake()
            byte[] spki = socket.session.peerCertificates[0].publicKey.encoded
            Base64.encoder.encodeToString(MessageDigest.getInstance('SHA-256').digest(spki))
        } finally {
            socket.close()
        }
    }

    /**
     * The browser's own executable on the PATH. Missing, the spec fails and says how to install it:
     * CI installs both packages, so a skipped browser spec would hide a broken console.
     */
    private static String executable(String name) {
        def found = System.getenv('PATH').split(File.pathSeparator).collect { Path.of(it, name) }
                .find { Files.isExecutable(it) }
        if (found == null) {
            throw new IllegalStateException("the console's browser specs need ${name} on the PATH: install the Debian packages "
                    + "chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does this)")
        }
        found.toString()
    }

    /** Loads {@code url} and waits until the page has loaded. */
    Browser visit(String url) {
        driver.get(url)
        this
    }

    String getUrl() {
        driver.currentUrl
    }

    /** The visible text of the whole page. */
    String getText() {
        driver.findElement(By.tagName('body')).text
    }

    WebElement byId(String id) {
        driver.findElement(By.id(id))
    }

    WebElement find(String css) {
        driver.findElement(By.cssSelector(css))
    }

    List<WebElement> findAll(String css) {
        driver.findElements(By.cssSelector(css))
    }

    boolean has(String css) {
        !driver.findElements(By.cssSelector(css)).isEmpty()
    }

    /** Replaces the value of the field {@code css} points at. */
    Browser type(String css, String value) {
        def field = find(css)
        field.clear()
        field.sendKeys(value)
        this
    }

    /**
     * Clicks {@code css}. When that submits a form, waits until the answer replaced the page:
     * chromedriver can return from a click before a slowly answered post has navigated, and the
     * next look at the page would then read the old one.
     */
    Browser click(String css) {
        WebElement target = find(css)
        WebElement page = submits(target) ? driver.findElement(By.tagName('html')) : null
        target.click()
        if (page != null) {
            try {
                new WebDriverWait(driver, Duration.ofSeconds(15)).until(ExpectedConditions.stalenessOf(page))
            } catch (TimeoutException ignored) {
                // a submit the page kept (a field the browser's own validation refused): nothing to wait for
            }
        }
        this
    }

    private static boolean submits(WebElement e) {
        String tag = e.tagName.toLowerCase(Locale.ROOT)
        String type = (e.getAttribute('type') ?: '').toLowerCase(Locale.ROOT)
        (tag == 'button' && type in ['', 'submit']) || (tag == 'input' && type == 'submit')
    }

    /** Waits up to {@code seconds} until {@code condition} holds (a truthy answer). */
    def waitFor(int seconds = 10, Closure condition) {
        new WebDriverWait(driver, Duration.ofSeconds(seconds)).until { condition() ?: null }
    }

    /** The viewport as PNG. */
    byte[] screenshot() {
        driver.getScreenshotAs(OutputType.BYTES)
    }

    /**
     * {@code docs/console/<page>.png}: taken from this page with {@code -Dentente.docs.regenerate=true},
     * otherwise only checked to exist, so CI does not rewrite the committed pictures.
     */
    void document(String page) {
        Path png = SCREENSHOTS.resolve(page + '.png')
        if (Boolean.getBoolean('entente.docs.regenerate')) {
            Files.createDirectories(SCREENSHOTS)
            Files.write(png, screenshot())
        }
        assert Files.isRegularFile(png): "${png} is missing; take the console's screenshots again from the repository root with:\n" +
                "    ${REGENERATE_COMMAND}\nand commit the result"
    }

    /** The spec expects a page under {@code urlPrefix} to answer an error status (e.g. a refused action). */
    Browser expectFailedLoad(String urlPrefix) {
        expectedFailures << urlPrefix
        this
    }

    /** The console messages since the last call, each sorted into {@link #problems} or not. */
    List<LogEntry> drainLog() {
        List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).all
        entries.each {
            if (isProblem(it)) {
                problems << "${it.level} ${it.message}".toString()
            }
        }
        entries
    }

    /**
     * A CSP violation at any level, a script error, or a resource that failed to load unless
     * the spec expected that URL to fail. The browser asks every host for /favicon.ico by itself,
     * not because a page named it: its 404 is nobody's error.
     */
    private boolean isProblem(LogEntry e) {
        if (e.message.contains('Content Security Policy')) {
            return true
        }
        if (e.level.intValue() < Level.SEVERE.intValue()) {
            return false
        }
        if (!e.message.contains('Failed to load resource')) {
            return true
        }
        String url = e.message.takeWhile { it != ' ' }
        !(url.endsWith('/favicon.ico') || expectedFailures.any { url.startsWith(it) })
    }

    /** Every CSP violation, script error and unexpected failed load the browser reported since the last call. */
    List<String> takePageErrors() {
        drainLog()
        def seen = new ArrayList<String>(problems)
        problems.clear()
        expectedFailures.clear()
        seen
    }

    /** Fails with every CSP violation, script error and unexpected failed load the browser reported so far. */
    void assertNoPageErrors() {
        def seen = takePageErrors()
        assert seen.isEmpty(): 'the browser reported:\n' + seen.join('\n')
    }

    @Override
    void close() {
        try {
            driver.quit()
        } finally {
            profile.deleteDir()
        }
    }
}

package dev.imprint.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (Debian's Chromium through chromedriver): sign-in, a lifecycle
 * move made on the page and found, verified, in the audit log page, an auditor who can change
 * nothing, a workload token that cannot sign in, CSRF refusals, and keyboard use, labels,
 * focus and text contrast.
 */
class ConsoleBrowserTest {
  @TempDir static Path dir;
  static TestServer server;
  static ChromeDriver driver;

  @BeforeAll
  static void start() {
    driver = Chromium.start();
    server = TestServer.start(Stores.Kind.SQLITE, dir);
    ConsoleFixture.estate(server, ConsoleFixture.digest("browser-base"));
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void signedOut() {
    driver.get(server.url() + "/login");
    driver.manage().deleteAllCookies();
  }

  private void open(String path) {
    driver.get(server.url() + path);
  }

  private void signIn(String token) {
    open("/login");
    driver.findElement(By.id("token")).sendKeys(token);
    follow(driver.findElement(By.cssSelector("form.login button[type=submit]")));
  }

  /**
   * Clicks {@code control}, which leaves the page (a link, a form's button), and waits until the
   * next page has replaced it. A click returns once the browser has dispatched it, not once the
   * next page is there: under load, reading right after it would find the old page's elements
   * (the sign-in page's own heading, say) or elements that go stale as the new page arrives.
   *
   * <p>The old page is marked with a value only this call knows, and the wait ends when the
   * document in the window no longer carries it and has loaded. Asking whether the old page's
   * element is stale is not enough: while the browser swaps documents, chromedriver can answer
   * that question with an "unknown error" (node does not belong to the document) instead of
   * "stale", which failed a CI run. Every such transient error is retried until the timeout.
   */
  private static void follow(WebElement control) {
    String mark = UUID.randomUUID().toString();
    js("document.documentElement.setAttribute('data-test-page', arguments[0])", mark);
    control.click();
    waiting().ignoring(WebDriverException.class).until(x -> !mark.equals(js(
        "return document.documentElement.getAttribute('data-test-page')"))
        && "complete".equals(js("return document.readyState")));
  }

  private static String h1() {
    return driver.findElement(By.tagName("h1")).getText();
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(driver, Duration.ofSeconds(20));
  }

  @Test
  void signingInWithAnAdminTokenOpensTheOverviewWithAnHttpOnlySession() {
    signIn(server.adminToken());
    assertThat(h1()).isEqualTo("Estate overview");
    Cookie session = driver.manage().getCookieNamed(ConsoleRoutes.COOKIE);
    assertThat(session).isNotNull();
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Strict");
    assertThat(js("return document.cookie")).as("invisible to scripts").isEqualTo("");
    assertThat(driver.getPageSource()).doesNotContain(server.adminToken());
    assertThat(driver.getCurrentUrl()).doesNotContain(server.adminToken());
    follow(driver.findElement(By.cssSelector("form.signout button")));
    assertThat(h1()).isEqualTo("Sign in");
    open("/");
    assertThat(h1()).as("signed out: back to the sign-in page").isEqualTo("Sign in");
  }

  @Test
  void aLifecycleMoveMadeOnThePageIsInTheAuditLogPageAndVerifiesAgainstTheCheckpoint() {
    String d = ConsoleFixture.digest("browser-approve");
    ConsoleFixture.register(server, d);
    signIn(server.adminToken());
    open("/images/" + d);
    assertThat(driver.findElement(By.id("state")).getText()).isEqualTo("registered");
    driver.findElement(By.id("reason-approve")).sendKeys("reviewed in the browser test");
    follow(driver.findElement(By.id("do-approve")));
    assertThat(driver.getCurrentUrl()).contains("done=approve");
    assertThat(driver.findElement(By.id("state")).getText()).isEqualTo("approved");
    assertThat(driver.findElement(By.cssSelector("section[aria-labelledby=h-life] table"))
        .getText()).contains("approve", "reviewed in the browser test");

    open("/audit");
    WebElement row = driver.findElements(By.cssSelector("tbody tr")).stream()
        .filter(r -> r.getText().contains("image.approved") && r.getText().contains(d))
        .findFirst().orElseThrow(() -> new AssertionError("no image.approved row for " + d
            + " in:\n" + driver.findElement(By.tagName("table")).getText()));
    follow(row.findElement(By.tagName("a")));
    assertThat(driver.findElement(By.id("verdict")).getText()).startsWith("Verified");
    assertThat(driver.findElement(By.id("entry-text")).getText())
        .contains("reviewed in the browser test", "\"actor\":\"token:");
    waiting().until(x -> x.findElement(By.id("browser-check")).getAttribute("class")
        .equals("ok"));
    assertThat(driver.findElement(By.id("browser-check")).getText())
        .contains("lead to the signed root");
  }

  @Test
  void anAuditorSeesTheImageWithoutButtonsAndAForgedFormIsRefused() {
    String d = ConsoleFixture.digest("browser-auditor");
    ConsoleFixture.register(server, d);
    signIn(ConsoleFixture.token(server, "auditor", null));
    assertThat(h1()).isEqualTo("Estate overview");
    open("/images/" + d);
    assertThat(driver.findElements(By.cssSelector("form.move"))).isEmpty();
    assertThat(driver.findElement(By.cssSelector("main")).getText())
        .contains("Your role reads the lifecycle and cannot change it");
    // a form the page does not offer, carrying the session's own CSRF token
    js("const f = document.createElement('form'); f.method = 'post';"
        + " f.action = '/images/" + d + "/approve';"
        + " const c = document.querySelector('input[name=csrf]').cloneNode();"
        + " const r = document.createElement('input'); r.name = 'reason'; r.value = 'x';"
        + " f.append(c, r); document.body.append(f); f.submit();");
    waiting().until(x -> x.findElements(By.id("problem-code")).size() > 0);
    assertThat(driver.findElement(By.id("problem-code")).getText())
        .isEqualTo("console.read_only");
    assertThat(ConsoleFixture.status(server, d)).isEqualTo("registered");
  }

  @Test
  void aWorkloadTokenCannotSignIn() {
    signIn(ConsoleFixture.token(server, "workload", ConsoleFixture.API));
    assertThat(h1()).isEqualTo("Sign in");
    assertThat(driver.findElement(By.cssSelector("[role=alert]")).getText())
        .contains("console.role_refused");
    assertThat(driver.manage().getCookieNamed(ConsoleRoutes.COOKIE)).isNull();
  }

  @Test
  void theAlertsPageListsUnresolvedAlertsWithTheirStateAndRecentlyResolvedOnesMarkedAsSuch() {
    String one = "spiffe://imprint.local/alerting/one";
    String two = "spiffe://imprint.local/alerting/two";
    ConsoleFixture.retiredStillAttesting(server, one);
    ConsoleFixture.retiredStillAttesting(server, two);
    server.server().alerts().evaluateNow();
    String retiredOne = alertId(one, "nhi.retired_still_attesting");
    String refusedOne = alertId(one, "nhi.join_token_refusals");
    String retiredTwo = alertId(two, "nhi.retired_still_attesting");
    String refusedTwo = alertId(two, "nhi.join_token_refusals");
    String admin = server.adminToken();
    assertThat(server.send("POST", "/v1/alerts/" + refusedOne + "/acknowledge", admin,
        "{\"note\":\"on it\"}").statusCode()).isEqualTo(200);
    var resolved = ConsoleFixture.json(server.send("POST", "/v1/alerts/" + retiredOne
        + "/resolve", admin, "{\"note\":\"old pods drained\"}"));
    assertThat(resolved.get("state").asText()).isEqualTo("resolved");

    signIn(admin);
    open("/alerts");
    assertThat(cells("#unresolved #alert-" + refusedOne)).element(1).isEqualTo("acknowledged");
    assertThat(cells("#unresolved #alert-" + retiredTwo)).element(1).isEqualTo("open");
    assertThat(cells("#unresolved #alert-" + refusedTwo)).element(1).isEqualTo("open");
    assertThat(driver.findElements(By.cssSelector("#unresolved #alert-" + retiredOne)))
        .as("a resolved alert is not among the unresolved").isEmpty();
    assertThat(driver.findElement(By.id("h-resolved")).getText())
        .isEqualTo("Resolved in the last 7 days");
    assertThat(driver.findElement(By.cssSelector("#resolved caption")).getText())
        .contains("no longer active");
    List<String> row = cells("#resolved #alert-" + retiredOne);
    assertThat(row.get(0)).as("marked, with the resolution time")
        .isEqualTo("Resolved " + resolved.get("resolvedAt").asText());
    assertThat(row.get(1)).isEqualTo(resolved.get("resolvedBy").asText()).startsWith("token:");
    assertThat(row.get(3)).isEqualTo("high");
    assertThat(row.get(4)).isEqualTo("nhi.retired_still_attesting");
    assertThat(row.get(5)).isEqualTo(one);
    assertThat(driver.findElements(By.cssSelector("#resolved tbody tr"))).hasSize(1);

    open("/alerts?severity=medium");
    assertThat(driver.findElements(By.cssSelector("#unresolved tbody tr")))
        .extracting(r -> r.getAttribute("id"))
        .containsExactlyInAnyOrder("alert-" + refusedOne, "alert-" + refusedTwo);
    assertThat(driver.findElement(By.id("no-resolved")).getText())
        .isEqualTo("No alert was resolved in the last 7 days.");
    open("/");
    assertThat(driver.findElement(By.cssSelector("section[aria-labelledby=h-alerts]"))
        .getText()).as("the overview counts the unresolved ones, acknowledged included")
        .contains("1 high", "2 medium");
  }

  /** The id of the one alert of {@code rule} about {@code subject}. */
  private static String alertId(String subject, String rule) {
    var list = ConsoleFixture.json(server.send("GET", "/v1/alerts?limit=200",
        server.adminToken(), null));
    List<String> ids = new ArrayList<>();
    list.get("items").forEach(a -> {
      if (a.get("subject").asText().equals(subject) && a.get("rule").asText().equals(rule)) {
        ids.add(a.get("id").asText());
      }
    });
    assertThat(ids).as(rule + " about " + subject + " in " + list).hasSize(1);
    return ids.get(0);
  }

  /** The texts of the cells of the table row {@code css} selects. */
  private static List<String> cells(String css) {
    return driver.findElement(By.cssSelector(css)).findElements(By.tagName("td")).stream()
        .map(WebElement::getText).toList();
  }

  @Test
  void aFormWithAWrongOrNoCsrfTokenIsRefused() {
    String d = ConsoleFixture.digest("browser-csrf");
    ConsoleFixture.register(server, d);
    signIn(server.adminToken());
    open("/images/" + d);
    js("document.querySelectorAll('form.move input[name=csrf]')"
        + ".forEach(i => i.value = 'forged')");
    driver.findElement(By.id("reason-reject")).sendKeys("should not happen");
    follow(driver.findElement(By.id("do-reject")));
    assertThat(driver.findElement(By.id("problem-code")).getText())
        .isEqualTo("console.csrf_invalid");
    open("/images/" + d);
    js("document.querySelectorAll('form.move input[name=csrf]').forEach(i => i.remove())");
    driver.findElement(By.id("reason-approve")).sendKeys("no token");
    follow(driver.findElement(By.id("do-approve")));
    assertThat(driver.findElement(By.id("problem-code")).getText())
        .isEqualTo("console.csrf_invalid");
    assertThat(ConsoleFixture.status(server, d)).isEqualTo("registered");
  }

  @Test
  void theKeyboardReachesEveryControlInPageOrderWithAVisibleFocusAndCanMakeAMove() {
    String d = ConsoleFixture.digest("browser-keyboard");
    ConsoleFixture.register(server, d);
    signIn(server.adminToken());
    open("/images/" + d);
    @SuppressWarnings("unchecked")
    List<WebElement> expected = (List<WebElement>) js("return Array.from(document"
        + ".querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea,"
        + " summary')).filter(e => e.getClientRects().length > 0 && !e.disabled)");
    assertThat(expected).hasSizeGreaterThan(10);
    js("document.activeElement.blur(); window.focus();");
    Actions keys = new Actions(driver);
    for (int i = 0; i < expected.size(); i++) {
      keys.sendKeys(Keys.TAB).perform();
      WebElement focused = driver.switchTo().activeElement();
      assertThat(focused).as("tab stop %d: %s", i, expected.get(i).getAccessibleName())
          .isEqualTo(expected.get(i));
      String outline = (String) js("const s = getComputedStyle(arguments[0]);"
          + " return s.outlineStyle + ' ' + s.outlineWidth", focused);
      assertThat(outline).as("visible focus on %s", focused.getAccessibleName())
          .doesNotStartWith("none").doesNotEndWith(" 0px");
    }
    WebElement reason = driver.findElement(By.id("reason-approve"));
    while (!driver.switchTo().activeElement().equals(reason)) {
      keys.sendKeys(Keys.TAB).perform();
    }
    keys.sendKeys("approved from the keyboard").sendKeys(Keys.ENTER).perform();
    waiting().until(x -> x.getCurrentUrl().contains("done=approve"));
    assertThat(ConsoleFixture.status(server, d)).isEqualTo("approved");
  }

  @Test
  void everyInputHasALabelAndEveryTextMeetsContrastOnEveryPage() throws Exception {
    String d = ConsoleFixture.digest("browser-a11y");
    ConsoleFixture.register(server, d);
    List<String> checked = new ArrayList<>();
    checkPage("/login", checked);
    signIn(server.adminToken());
    for (String path : new String[] {"/", "/identities", "/identities/"
        + dev.imprint.server.identity.IdentityService.idOf(ConsoleFixture.API), "/images",
        "/images/" + d, "/findings", "/audit", "/audit/0", "/alerts"}) {
      checkPage(path, checked);
    }
    assertThat(checked).as("texts checked").hasSizeGreaterThan(100);
    open("/images/" + d);
    Path shot = Path.of("target", "console-image.png");
    Files.createDirectories(shot.getParent());
    Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
  }

  private void checkPage(String path, List<String> checked) {
    open(path);
    assertThat(driver.getTitle()).as(path).endsWith("Imprint");
    @SuppressWarnings("unchecked")
    List<String> unlabelled = (List<String>) js("return Array.from(document.querySelectorAll("
        + "'input:not([type=hidden]), select, textarea')).filter(e => !(e.labels && e.labels"
        + ".length && e.labels[0].textContent.trim()) && !e.getAttribute('aria-label'))"
        + ".map(e => e.outerHTML)");
    assertThat(unlabelled).as("inputs without a label on " + path).isEmpty();
    @SuppressWarnings("unchecked")
    List<List<String>> texts = (List<List<String>>) js(
        "const out = []; const seen = new Set();"
        + " const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);"
        + " while (w.nextNode()) { const t = w.currentNode; if (!t.textContent.trim()) continue;"
        + "  const el = t.parentElement; if (seen.has(el)) continue; seen.add(el);"
        + "  const s = getComputedStyle(el);"
        + "  if (s.display === 'none' || s.visibility === 'hidden'"
        + "      || el.getClientRects().length === 0 || el.closest('title, desc')) continue;"
        + "  const fg = el.closest('svg') ? s.fill : s.color; let bg = 'rgb(255, 255, 255)';"
        + "  for (let a = el; a; a = a.parentElement) { const b = getComputedStyle(a)"
        + "   .backgroundColor; if (b && b !== 'rgba(0, 0, 0, 0)' && b !== 'transparent')"
        + "   { bg = b; break; } }"
        + "  out.push([el.tagName + ' \"' + t.textContent.trim().slice(0, 40) + '\"', fg, bg]); }"
        + " return out;");
    assertThat(texts).as("texts on " + path).isNotEmpty();
    for (List<String> t : texts) {
      double ratio = contrast(rgb(t.get(1)), rgb(t.get(2)));
      assertThat(ratio).as("contrast of %s on %s (%s on %s)", t.get(0), path, t.get(1),
          t.get(2)).isGreaterThanOrEqualTo(4.5);
      checked.add(path + " " + t.get(0));
    }
  }

  private static final Pattern RGB = Pattern.compile(
      "rgba?\\((\\d+), (\\d+), (\\d+)(?:, ([\\d.]+))?\\)");

  static int[] rgb(String css) {
    Matcher m = RGB.matcher(css);
    assertThat(m.matches()).as("a solid CSS color, got '%s'", css).isTrue();
    assertThat(m.group(4) == null || Double.parseDouble(m.group(4)) == 1.0)
        .as("an opaque text color, got '%s'", css).isTrue();
    return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3))};
  }

  /** WCAG 2.2 contrast ratio (relative luminance, sRGB). */
  static double contrast(int[] a, int[] b) {
    double la = luminance(a);
    double lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  private static double luminance(int[] c) {
    double[] l = new double[3];
    for (int i = 0; i < 3; i++) {
      double s = c[i] / 255.0;
      l[i] = s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  }
}

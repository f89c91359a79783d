package dev.imprint.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and chromedriver driven by Selenium, which is told where both are so it
 * never runs Selenium Manager (nothing is downloaded). Outside CI a machine without them skips
 * the browser tests with a message; in CI ({@code CI} set) their absence fails.
 */
final class Chromium {
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path BROWSER = Path.of("/usr/bin/chromium");

  private Chromium() {}

  static ChromeDriver start() {
    boolean present = Files.isExecutable(DRIVER) && Files.isExecutable(BROWSER);
    String why = "the browser tests need Debian's chromium and chromium-driver (" + BROWSER
        + ", " + DRIVER + "); install them with: apt-get install -y chromium chromium-driver";
    if (System.getenv("CI") != null) {
      assertThat(present).as(why + " (CI is set: the browser tests must run)").isTrue();
    } else {
      Assumptions.assumeTrue(present, why);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-default-apps", "--disable-extensions", "--window-size=1280,1000");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(DRIVER.toString())).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }
}

package dev.studio.runtime.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}), driven through
 * its chromedriver. Tests that need it are skipped, saying so, where those packages are missing;
 * {@code .ci/run} installs them.
 */
public final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  public static final Duration WAIT = Duration.ofSeconds(60);

  private final ChromeDriver driver;

  private Browser(int width, int height) {
    var options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // --no-sandbox: CI runs as root, where Chromium's own sandbox cannot start.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=" + width + "," + height);
    var service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** A laptop-sized window. */
  public static Browser open() {
    return open(1440, 900);
  }

  public static Browser open(int width, int height) {
    // Skipped, not failed, where Debian's Chromium is missing (a developer's machine without it);
    // .ci/run installs it, so in CI these tests always run. Without a browser, the HTTP and SSE
    // contracts the app uses are still covered by ApiTest, StreamTest, DispatchTest, LocalSandboxTest
    // and the MCP tests, and WebBuildTest covers how the app's files are built and named.
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
    return new Browser(width, height);
  }

  public ChromeDriver driver() {
    return driver;
  }

  public void get(String url) {
    driver.get(url);
  }

  public WebElement find(By by) {
    return until(d -> d.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
  }

  /** The control a label names (what a screen reader announces). */
  public WebElement labelled(String label) {
    return find(By.xpath("//*[@aria-label='" + label + "'] | //*[@id=//label[normalize-space()='" + label + "']/@for]"));
  }

  public WebElement button(String text) {
    return find(By.xpath("//button[normalize-space()='" + text + "']"));
  }

  public <T> T until(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT, Duration.ofMillis(50)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition);
  }

  public void screenshot(Path file) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
  }

  @Override
  public void close() {
    driver.quit();
  }
}

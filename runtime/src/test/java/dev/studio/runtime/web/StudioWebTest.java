package dev.studio.runtime.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.studio.runtime.Role;
import dev.studio.runtime.testing.Api;
import dev.studio.runtime.testing.Browser;
import dev.studio.runtime.testing.Platform;
import dev.studio.runtime.testing.Projects;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The web app in a real headless Chromium against a real platform (role {@code all}, the dev model,
 * the local PostgreSQL, Redis and NATS): what a person signing in and chatting sees.
 */
class StudioWebTest {
  static final String WORDS = "the quick brown fox jumps over the lazy dog while the studio streams every word as it is written";
  @TempDir Path dir;

  @Test
  void aSignedInUserChatsAndTheAnswerStreamsAndSurvivesAReload() throws Exception {
    try (var platform = Platform.create(); var browser = Browser.open()) {
      var runtime = platform.start(Role.all);
      var admin = platform.admin(runtime);
      String org = Platform.org(admin);
      String token = Platform.token(admin, org, "paid");
      signIn(browser, runtime.port(), token);
      assertThat(browser.find(By.cssSelector(".model")).getText()).contains("dev model");

      browser.button("New thread").click();
      browser.until(d -> d.getCurrentUrl().matches(".*#/chat/[0-9a-f-]{36}") ? true : null);

      // Shift+Enter is a new line, Enter sends.
      WebElement message = browser.labelled("Message");
      message.sendKeys("first line", Keys.chord(Keys.SHIFT, Keys.ENTER), "second line", Keys.ENTER);
      WebElement first = browser.find(By.cssSelector(".run[data-state='completed']"));
      assertThat(first.findElement(By.cssSelector(".user-text")).getText()).isEqualTo("first line\nsecond line");
      assertThat(agentText(first)).isEqualTo("Echo: first line\nsecond line");

      // A slow answer: part of it has streamed, then the page reloads mid-run.
      message = browser.labelled("Message");
      message.sendKeys("/slow 120 " + WORDS, Keys.ENTER);
      WebElement slow = browser.find(By.cssSelector(".run:nth-child(2)"));
      browser.until(d -> agentText(slow).contains("brown") ? true : null);
      assertThat(slow.getAttribute("data-state")).isEqualTo("running");
      assertThat(agentText(slow)).doesNotContain("written");
      browser.driver().navigate().refresh();

      WebElement resumed = browser.find(By.cssSelector(".run:nth-child(2)"));
      browser.until(d -> "completed".equals(resumed.getAttribute("data-state")) ? true : null);
      assertThat(agentText(resumed)).isEqualTo("Echo: " + WORDS);
      assertThat(browser.find(By.cssSelector(".run:nth-child(2) .state")).getText()).isEqualToIgnoringCase("completed");
      assertThat(browser.driver().findElements(By.cssSelector(".run"))).hasSize(2);

      // A tool call shows inline, collapsed, with its arguments and result.
      message = browser.labelled("Message");
      message.sendKeys("/tool echo {\"text\": \"ping\"}", Keys.ENTER);
      WebElement tool = browser.find(By.cssSelector(".run:nth-child(3)[data-state='completed']"));
      WebElement call = tool.findElement(By.cssSelector("details.tool"));
      assertThat(call.getAttribute("open")).isNull();
      call.findElement(By.tagName("summary")).click();
      assertThat(call.findElement(By.cssSelector(".tool-name")).getText()).isEqualTo("echo");
      assertThat(call.findElement(By.cssSelector(".tool-args")).getText()).contains("\"text\": \"ping\"");
      assertThat(call.findElement(By.cssSelector(".tool-result")).getText()).contains("ping");

      // At phone width the conversation and the composer are still there to use.
      browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
      assertThat(browser.labelled("Message").isDisplayed()).isTrue();
      assertThat(browser.button("Send").isDisplayed()).isTrue();
    }
  }

  /**
   * The api the browser streams from goes away mid-run and comes back: the page reconnects with
   * the last event id it saw and the answer continues where it was, nothing repeated or lost.
   */
  @Test
  void theStreamResumesAfterTheApiComesBack() throws Exception {
    try (var platform = Platform.create(); var browser = Browser.open()) {
      platform.start(Role.worker);
      int port = freePort();
      var api = platform.start(Role.api, Map.of("STUDIO_HTTP_PORT", Integer.toString(port), "SHUTDOWN_GRACE_SECONDS", "1"));
      var admin = platform.admin(api);
      String org = Platform.org(admin);
      String token = Platform.token(admin, org, "paid");
      String thread = Platform.thread(admin.as(token), org);
      signIn(browser, port, token);
      browser.get("http://127.0.0.1:" + port + "/#/chat/" + thread);

      browser.labelled("Message").sendKeys("/slow 150 " + WORDS, Keys.ENTER);
      WebElement run = browser.find(By.cssSelector(".run[data-state='running']"));
      browser.until(d -> agentText(run).contains("fox") ? true : null);
      api.close();
      browser.until(d -> d.findElement(By.cssSelector(".stream-state")).getText().startsWith("reconnecting") ? true : null);
      platform.start(Role.api, Map.of("STUDIO_HTTP_PORT", Integer.toString(port)));

      browser.until(d -> "completed".equals(run.getAttribute("data-state")) ? true : null);
      assertThat(agentText(run)).isEqualTo("Echo: " + WORDS);
      assertThat(browser.find(By.cssSelector(".stream-state")).getText()).isEqualTo("live");
    }
  }

  static int freePort() throws java.io.IOException {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void stoppingALongRunCancelsIt() throws Exception {
    try (var platform = Platform.create(); var browser = Browser.open()) {
      var runtime = platform.start(Role.all);
      var admin = platform.admin(runtime);
      String org = Platform.org(admin);
      String token = Platform.token(admin, org, "paid");
      var user = admin.as(token);
      String thread = Platform.thread(user, org);
      signIn(browser, runtime.port(), token);
      browser.get("http://127.0.0.1:" + runtime.port() + "/#/chat/" + thread);

      browser.labelled("Message").sendKeys("/slow 400 " + WORDS + " " + WORDS, Keys.ENTER);
      WebElement run = browser.find(By.cssSelector(".run[data-state='running']"));
      browser.until(d -> agentText(run).contains("quick") ? true : null);
      browser.button("Stop").click();

      browser.until(d -> "cancelled".equals(run.getAttribute("data-state")) ? true : null);
      String runId = run.getAttribute("data-run");
      assertThat(user.get("/api/" + org + "/runs/" + runId).at("/state")).isEqualTo("cancelled");
      assertThat(agentText(run)).doesNotContain("written");
      browser.until(d -> d.findElements(By.xpath("//button[normalize-space()='Stop']")).stream().noneMatch(WebElement::isDisplayed)
          ? true : null);
    }
  }

  @Test
  void theSandboxPreviewShowsTheDevServerAndWhatTheAgentChanges() throws Exception {
    String repo = Projects.nodeDevServer(dir);
    String daemon = String.join(" ", Projects.daemonCommand());
    try (var platform = Platform.create(Map.of("SANDBOX_PROVIDER", "local", "SANDBOX_DAEMON_COMMAND", daemon));
        var browser = Browser.open(1600, 1000)) {
      var runtime = platform.start(Role.all);
      var admin = platform.admin(runtime);
      String org = Platform.org(admin);
      String token = Platform.token(admin, org, "paid");
      var user = admin.as(token);
      String thread = Platform.thread(user, org);
      signIn(browser, runtime.port(), token);
      browser.get("http://127.0.0.1:" + runtime.port() + "/#/chat/" + thread);

      browser.labelled("Repository").sendKeys(repo);
      browser.labelled("Start command").sendKeys(Projects.START);
      browser.button("Start sandbox").click();
      browser.find(By.cssSelector("[aria-label='Setup phases']"));
      WebElement frame = browser.find(By.cssSelector("iframe.preview"));
      assertThat(previewText(browser, frame)).contains(Projects.FIRST_PAGE);

      browser.labelled("Message").sendKeys(
          "/tool write {\"path\": \"index.html\", \"content\": \"<html><body><h1>Changed by the agent</h1></body></html>\"}", Keys.ENTER);
      browser.find(By.cssSelector(".run[data-state='completed']"));
      browser.until(d -> previewText(browser, browser.find(By.cssSelector("iframe.preview"))).contains("Changed by the agent") ? true : null);

      browser.labelled("Message").sendKeys("The page now says: changed by the agent", Keys.ENTER);
      browser.find(By.cssSelector(".run:nth-child(2)[data-state='completed']"));

      // The files of the workspace, and one opened.
      browser.find(By.xpath("//summary[normalize-space()='Files']")).click();
      browser.find(By.xpath("//ul[@aria-label='Files']//button[normalize-space()='index.html']")).click();
      browser.until(d -> browser.labelled("File content").getText().contains("Changed by the agent") ? true : null);
      browser.screenshot(Path.of("target", "screenshots", "studio-chat-and-preview.png"));
    }
  }

  @Test
  void aWrongTokenAndTheServersErrorsAreShownAsTheServerSaysThem() throws Exception {
    try (var platform = Platform.create(); var browser = Browser.open()) {
      var runtime = platform.start(Role.all);
      var admin = platform.admin(runtime);
      String org = Platform.org(admin);
      String token = Platform.token(admin, org, "paid");

      signIn(browser, runtime.port(), "stk_not-a-token-of-anyone");
      assertThat(browser.find(By.cssSelector("[role='alert']")).getText()).contains("the token is not valid");

      signIn(browser, runtime.port(), token);
      browser.get("http://127.0.0.1:" + runtime.port() + "/#/chat/" + UUID.randomUUID());
      assertThat(browser.find(By.cssSelector(".chat-errors [role='alert']")).getText()).containsPattern("thread .* does not exist");

      browser.get("http://127.0.0.1:" + runtime.port() + "/#/chat");
      browser.labelled("Repository").sendKeys("/etc/passwd");
      browser.button("Start sandbox").click();
      assertThat(browser.find(By.cssSelector(".sandbox-form [role='alert']")).getText())
          .contains("repo must be a git URL");

      // Tokens are the admin's business: the server's 403 is what the page shows.
      browser.get("http://127.0.0.1:" + runtime.port() + "/#/tokens");
      assertThat(browser.find(By.cssSelector("[role='alert']")).getText()).contains("this needs the admin token");
    }
  }

  @Test
  void theAdminManagesTokensAndConnectionsAndSwitchesOrgs() throws Exception {
    try (var platform = Platform.create(); var browser = Browser.open()) {
      var runtime = platform.start(Role.all);
      var admin = platform.admin(runtime);
      String first = Platform.org(admin);
      String second = Platform.org(admin);
      signIn(browser, runtime.port(), Platform.ADMIN);

      var orgs = new org.openqa.selenium.support.ui.Select(browser.labelled("Organisation"));
      orgs.selectByValue(second);
      browser.find(By.xpath("//a[normalize-space()='Tokens']")).click();
      browser.labelled("Name").sendKeys("ci");
      browser.button("Create token").click();
      String shown = browser.find(By.cssSelector(".token-value")).getText();
      assertThat(shown).startsWith("stk_");
      assertThat(admin.as(shown).get("/api/" + second + "/threads").status()).isEqualTo(200);
      assertThat(admin.as(shown).get("/api/" + first + "/threads").status()).isEqualTo(403);
      browser.button("Revoke").click();
      browser.until(d -> d.findElements(By.xpath("//td[starts-with(normalize-space(), 'revoked')]")).isEmpty() ? null : true);
      assertThat(admin.as(shown).get("/api/" + second + "/threads").status()).isEqualTo(401);

      browser.find(By.xpath("//a[normalize-space()='Connections']")).click();
      browser.labelled("Name").sendKeys("docs");
      browser.labelled("URL").sendKeys("http://127.0.0.1:9/mcp");
      new org.openqa.selenium.support.ui.Select(browser.labelled("Authentication")).selectByValue("bearer");
      browser.labelled("Token or key").sendKeys("downstream-secret");
      browser.button("Add connection").click();
      WebElement card = browser.find(By.xpath("//li[contains(@class,'card')][.//h3[normalize-space()='docs']]"));
      assertThat(card.getText()).contains("bearer").doesNotContain("downstream-secret");
      assertThat(admin.get("/api/" + second + "/connections").text()).contains("docs").doesNotContain("downstream-secret");
      // A downstream that is down: the tools list says so instead of hanging.
      card.findElement(By.xpath(".//button[normalize-space()='List tools']")).click();
      assertThat(browser.find(By.cssSelector(".card [role='alert']")).getText()).isNotBlank();

      browser.find(By.xpath("//a[normalize-space()='Bundles']")).click();
      assertThat(browser.find(By.cssSelector(".admin-page .empty")).getText()).contains("not enabled");
    }
  }

  @Test
  void theAppIsServedWithItsAssetsCachedForGood() {
    try (var platform = Platform.create()) {
      var runtime = platform.start(Role.all);
      var anonymous = new Api("http://127.0.0.1:" + runtime.port(), "none");
      var page = anonymous.get("/");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
      var script = java.util.regex.Pattern.compile("assets/app\\.[0-9a-f]{10}\\.js").matcher(page.text());
      assertThat(script.find()).isTrue();
      var asset = anonymous.get("/" + script.group());
      assertThat(asset.status()).isEqualTo(200);
      assertThat(asset.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
      assertThat(asset.header("Content-Type")).startsWith("text/javascript");
      assertThat(anonymous.get("/assets/app.0000000000.js").status()).isEqualTo(404);
    }
  }

  private static void signIn(Browser browser, int port, String token) {
    browser.get("http://127.0.0.1:" + port + "/");
    browser.driver().executeScript("sessionStorage.clear()");
    browser.driver().navigate().refresh();
    browser.labelled("API token").sendKeys(token);
    browser.button("Sign in").click();
    if (!token.equals(Platform.ADMIN) && !token.startsWith("stk_not")) {
      browser.find(By.xpath("//button[normalize-space()='New thread']"));
    }
  }

  private static String agentText(WebElement run) {
    return run.findElements(By.cssSelector(".steps .step.text")).stream().map(WebElement::getText).reduce("", String::concat);
  }

  private static String previewText(Browser browser, WebElement frame) {
    var driver = browser.driver();
    try {
      driver.switchTo().frame(frame);
      return driver.findElement(By.tagName("body")).getText();
    } catch (org.openqa.selenium.WebDriverException e) {
      return "";
    } finally {
      driver.switchTo().defaultContent();
    }
  }
}

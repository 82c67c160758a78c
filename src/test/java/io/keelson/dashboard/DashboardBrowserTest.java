package io.keelson.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.Api;
import io.keelson.support.Browser;
import io.keelson.support.ComposeProject;
import io.keelson.support.ReviewTemplates;
import io.keelson.support.TestEnv;
import io.keelson.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The dashboard in Debian's headless Chromium against a real ssh-compose target on the test host:
 * an operator signs in, watches a pipeline's deployment appear and its log stream while it runs,
 * rolls back from the page and the container on the host changes; a read token is offered no button.
 * Screenshots of each page land in target/screenshots/.
 */
@QuarkusTest
class DashboardBrowserTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void anOperatorFollowsADeploymentAndRollsBackFromThePageAndAReaderIsOfferedNoButton() {
        TestEnv.require();
        String repo = TestImages.uniqueRepo("dashboard");
        String v1 = TestImages.push(TestImages.Kind.APP, repo + ":latest");
        ComposeProject project = ComposeProject.create(Map.of("bot", repo + ":latest"));
        String target = Api.createSshTarget(
                project,
                List.of("bot"),
                TestEnv.knownHosts(),
                "{\"healthTimeout\": \"30s\", \"stableFor\": \"4s\", \"onFailure\": \"rollback\"}");
        try (Browser browser = Browser.start()) {
            String first = Api.as(Api.CI)
                    .body("{\"reason\": \"first release\"}")
                    .post("/api/v1/targets/" + target + "/deployments?wait=true")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("id");
            assertThat(project.runningDigest("bot", repo)).contains(v1);
            String v2 = TestImages.push(TestImages.Kind.APP, repo + ":latest");

            browser.open(base.toString());
            browser.find("#token", 20);
            browser.screenshot("dashboard-sign-in");
            signIn(browser, Api.OPS);
            browser.find("#signed-in", 20);
            browser.find("tr[data-target='" + target + "']", 20);
            assertThat(browser.text("#signed-in")).isEqualTo("ops (operate)");
            browser.screenshot("dashboard-targets");

            browser.driver().findElement(By.linkText(target)).click();
            browser.find("#target-name", 20);
            browser.find("tr[data-deployment='" + first + "']", 20);

            // A pipeline deploys v2; the open page shows it without a reload.
            String second = Api.as(Api.CI)
                    .body("""
                            {"reason": "pipeline 4711", "pipeline": {"project": "lappis/bot", "id": "4711",
                             "commit": "3f2a9c1d0e", "ref": "master", "url": "https://ci.example.com/p/4711"}}""")
                    .post("/api/v1/targets/" + target + "/deployments")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            browser.find("tr[data-deployment='" + second + "'] a", 15).click();
            browser.await(
                    30,
                    "a first log line on the page",
                    d -> !d.findElement(By.id("log")).getText().isBlank());
            String statusWhileStreaming = Api.as(Api.CI)
                    .get("/api/v1/deployments/" + second)
                    .then()
                    .extract()
                    .path("status");
            assertThat(statusWhileStreaming)
                    .as("the log was on the page before the deployment ended")
                    .isIn("QUEUED", "RUNNING");
            browser.await(
                    60,
                    "the streamed log to end with the outcome",
                    d -> d.findElement(By.id("log")).getText().contains("deployment SUCCEEDED"));
            assertThat(browser.text("#log")).contains("docker pull");
            browser.await(
                    10,
                    "the status badge to read SUCCEEDED",
                    d -> d.findElement(By.id("deployment-status")).getText().equals("SUCCEEDED"));
            assertThat(browser.text("#deployment-facts"))
                    .contains("pipeline 4711", "lappis/bot #4711 master 3f2a9c1d0e");
            browser.screenshot("dashboard-deployment");
            assertThat(project.runningDigest("bot", repo)).contains(v2);

            // Roll back to the first deployment from the page: the container on the host goes back to v1.
            browser.driver().findElement(By.linkText(target)).click();
            browser.find("#running tr[data-unit='bot']", 20);
            assertThat(browser.text("#running")).contains(repo + ":latest", v2.substring(0, 19));
            browser.screenshot("dashboard-target");
            browser.find("button[data-action='rollback'][data-deployment='" + first + "']", 20)
                    .click();
            browser.driver().switchTo().alert().accept();
            browser.await(
                    15,
                    "the rollback's own page",
                    d -> d.getCurrentUrl().contains("#/deployments/")
                            && !d.getCurrentUrl().endsWith(second));
            browser.await(
                    60,
                    "the rollback to succeed on the page",
                    d -> d.findElement(By.id("deployment-status")).getText().equals("SUCCEEDED"));
            assertThat(browser.text("#deployment-facts")).contains("ROLLBACK", "rolled back from the dashboard by ops");
            assertThat(project.runningDigest("bot", repo)).contains(v1);
            browser.screenshot("dashboard-rollback");
            List<Map<String, String>> running = Api.as(Api.READER)
                    .get("/api/v1/targets/" + target)
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("running");
            assertThat(running).hasSize(1);
            assertThat(running.get(0))
                    .containsEntry("unit", "bot")
                    .containsEntry("host", TestEnv.SSH_HOST)
                    .containsEntry("digest", v1)
                    .containsEntry("image", repo + ":latest") // the tag v1 was deployed under, not the pinned digest
                    .containsEntry("status", "SUCCEEDED");

            // The token never reaches a URL; it lives in this tab's session storage only.
            assertThat(browser.driver().getCurrentUrl()).doesNotContain(Api.OPS);
            assertThat(browser.script("return sessionStorage.getItem('keelson.token')"))
                    .isEqualTo(Api.OPS);
            assertThat(browser.script("return localStorage.length")).isEqualTo(0L);

            // A read token sees the same target and no button; the API refuses the call anyway.
            browser.find("#sign-out", 5).click();
            signIn(browser, Api.READER);
            browser.find("#signed-in", 20);
            browser.driver().get(base + "#/targets/" + target);
            browser.find("tr[data-deployment='" + first + "']", 20);
            browser.find("#running tr[data-unit='bot']", 20);
            assertThat(browser.text("#signed-in")).isEqualTo("reader (read)");
            assertThat(browser.all("button[data-action]")).isEmpty();
            browser.screenshot("dashboard-target-read-only");
            Api.as(Api.READER)
                    .body("{\"toDeployment\": \"" + first + "\"}")
                    .post("/api/v1/targets/" + target + "/rollback")
                    .then()
                    .statusCode(403);
        } finally {
            project.down();
        }
    }

    @Test
    void aRefusedTokenStaysOnTheSignInPageWithTheReason() {
        try (Browser browser = Browser.start()) {
            browser.open(base.toString());
            signIn(browser, "not-a-token-0123456789");
            browser.await(
                    10,
                    "the sign-in error",
                    d -> d.findElement(By.id("sign-in-error")).getText().contains("refused"));
            assertThat(browser.script("return sessionStorage.getItem('keelson.token')"))
                    .isNull();
            assertThat(browser.driver().getCurrentUrl()).doesNotContain("not-a-token");
        }
    }

    @Test
    void aReviewEnvironmentShowsUnderItsTemplateWithItsAddressAndTimeLeft() {
        TestEnv.require();
        String repo = TestImages.uniqueRepo("dashboard-review");
        TestImages.push(TestImages.Kind.APP, repo + ":latest");
        ComposeProject project = ComposeProject.create(Map.of("bot", repo + ":latest"));
        int port = ReviewTemplates.uniquePorts();
        String template = ReviewTemplates.create(
                ReviewTemplates.uniqueName(), project, ReviewTemplates.uniqueRoot(), port + "-" + (port + 3), "2h", 5);
        Api.as(Api.CI)
                .body("{}")
                .put("/api/v1/targets/" + template + "/environments/feature-x?wait=true")
                .then()
                .statusCode(200);
        try (Browser browser = Browser.start()) {
            browser.open(base.toString());
            browser.find("#token", 20);
            signIn(browser, Api.READER);
            String row = "tr.environment[data-target='" + template + "--feature-x']";
            browser.find(row + " a.env-url", 20);

            assertThat(browser.text(row + " a.env-url")).isEqualTo("http://127.0.0.1:" + port + "/");
            assertThat(browser.text(row + " [data-expires]")).matches("expires in 1h 5\\dm");
            assertThat(browser.script("return document.querySelector(\"" + row
                            + "\").previousElementSibling.getAttribute('data-target')"))
                    .as("right under its template")
                    .isEqualTo(template);
            browser.screenshot("dashboard-review-environment");
        } finally {
            Api.as(Api.ADMIN).delete("/api/v1/targets/" + template + "/environments/feature-x");
            project.down();
        }
    }

    private static void signIn(Browser browser, String token) {
        browser.find("#token", 20).sendKeys(token);
        browser.find("#sign-in", 5).click();
    }
}

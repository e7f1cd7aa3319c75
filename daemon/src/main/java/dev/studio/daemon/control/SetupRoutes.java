package dev.studio.daemon.control;

import dev.studio.daemon.DaemonException;
import dev.studio.daemon.setup.SetupPhase;
import dev.studio.daemon.setup.SetupService;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Map;

/**
 * {@code POST /_sandbox/setup/{clone|install|build|start}}: answers when the phase has finished (for start: when
 * the dev server was launched). Progress goes to {@code /events} meanwhile.
 */
public final class SetupRoutes implements RouteGroup {
  private final SetupService setup;

  public SetupRoutes(SetupService setup) {
    this.setup = setup;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.post("/_sandbox/setup/{phase}", ctx -> {
      String id = ctx.pathParam("phase");
      SetupPhase phase = SetupPhase.parse(id).orElseThrow(() -> DaemonException.notFound("unknown_phase",
          "no setup phase '" + id + "': use clone, install, build or start", Map.of("phase", id)));
      ctx.json(setup.run(phase));
    });
  }
}

package dev.studio.runtime.agent.tools;

import dev.studio.runtime.agent.model.ToolSpec;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tools a run may call, by name. */
public final class ToolRegistry {
  private final Map<String, Tool> tools = new LinkedHashMap<>();

  public ToolRegistry(Collection<? extends Tool> tools) {
    for (Tool tool : tools) {
      if (this.tools.putIfAbsent(tool.name(), tool) != null) {
        throw new IllegalArgumentException("two tools are named " + tool.name());
      }
    }
  }

  public Optional<Tool> get(String name) {
    return Optional.ofNullable(tools.get(name));
  }

  /** The tools of these names (a bundle's choice); names not here are ignored. */
  public ToolRegistry only(Collection<String> names) {
    return new ToolRegistry(tools.values().stream().filter(t -> names.contains(t.name())).toList());
  }

  /** These tools and {@code more}; a name of {@code more} already here keeps the tool here. */
  public ToolRegistry with(Collection<? extends Tool> more) {
    if (more.isEmpty()) {
      return this;
    }
    var all = new LinkedHashMap<>(tools);
    more.forEach(tool -> all.putIfAbsent(tool.name(), tool));
    return new ToolRegistry(all.values());
  }

  public java.util.Set<String> names() {
    return java.util.Set.copyOf(tools.keySet());
  }

  public List<ToolSpec> specs() {
    return tools.values().stream().map(Tool::spec).toList();
  }
}

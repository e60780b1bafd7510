package org.apache.oozie.workflow.lite;

import org.apache.hadoop.conf.Configuration;
import org.jdom.Element;

/**
 * An action's {@code <launcher>} as Oozie's own {@link LauncherConfigHandler} (package-private, hence this class in
 * its package) turns it into the launcher's configuration: {@code oozie.launcher.env}, {@code .queue}, ...
 */
public final class LauncherSettings {

  private LauncherSettings() {}

  /** The launcher configuration Oozie makes of {@code action}'s {@code <launcher>} (empty without one). */
  public static Configuration of(Element action) {
    Configuration conf = new Configuration(false);
    Element launcher = action.getChild("launcher", action.getNamespace());
    if (launcher != null) {
      new LauncherConfigHandler(conf, launcher, action.getNamespace()).processSettings();
    }
    return conf;
  }
}

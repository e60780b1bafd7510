package io.recsv.oozie;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.oozie.action.ActionExecutorException;
import org.apache.oozie.client.WorkflowAction;
import org.apache.oozie.workflow.lite.LauncherSettings;
import org.jdom.Element;
import org.jdom.Namespace;

/**
 * Stands in for Oozie's java action executor (which launches on YARN): it runs the action's main class in this
 * JVM, with the arguments exactly as the engine evaluated them, and reports the action as the real one would:
 * OK when main returns (with its output properties as the action's data, for {@code <capture-output/>}), ERROR
 * with the exception's message when it throws. The real launcher runs on the NodeManager's Java unless the
 * action's launcher configuration ({@code oozie.launcher.env}, which Oozie's own LauncherConfigHandler makes of
 * {@code <launcher><env>}) gives a JAVA_HOME; this JVM is Java 17 whatever it says, so a recsv main without it
 * fails here as it would on a node whose Java is 8 or 11.
 */
public final class StandInJavaExecutor extends StandInExecutor {


  public StandInJavaExecutor() {
    super("java");
  }

  @Override
  public void start(Context context, WorkflowAction action) throws ActionExecutorException {
    Element java = parse(action.getConf());
    Namespace ns = java.getNamespace();
    List<String> args = texts(java, "arg");
    context.setStartData("application_1764000000001_0001", "stand-in", "stand-in");
    boolean capture = java.getChild("capture-output", ns) != null;
    String main = java.getChildText("main-class", ns);
    String env = LauncherSettings.of(java).get("oozie.launcher.env");
    if (main.startsWith("io.recsv.") && (env == null || !env.contains("JAVA_HOME="))) {
      context.setExecutionData("FAILED", null);
      context.setVar("standin.error", "java.lang.UnsupportedClassVersionError: " + main + " has been compiled by a"
          + " more recent version of the Java Runtime (the launcher ran on the NodeManager's Java: no JAVA_HOME in"
          + " oozie.launcher.env)");
      return;
    }
    try {
      // <capture-output/>: as Oozie's launcher, hand the main a file for its output properties, and give them to
      // the engine as the action's data (wf:actionData).
      Path output = Files.createTempFile("action-output", ".properties");
      System.setProperty("oozie.action.output.properties", output.toString());
      Class.forName(main).getMethod("main", String[].class)
          .invoke(null, (Object) args.toArray(new String[0]));
      Properties data = null;
      if (capture) {
        data = new Properties();
        try (var in = Files.newInputStream(output)) {
          data.load(in);
        }
      }
      context.setExecutionData(SUCCEEDED, data);
    } catch (InvocationTargetException e) {
      context.setExecutionData("FAILED", null);
      context.setVar("standin.error", String.valueOf(e.getCause()));
    } catch (IOException e) {
      throw new ActionExecutorException(ActionExecutorException.ErrorType.ERROR, "STANDIN", e.toString(), e);
    } catch (ReflectiveOperationException e) {
      throw new ActionExecutorException(ActionExecutorException.ErrorType.ERROR, "STANDIN", e.toString(), e);
    }
  }

  @Override
  String error(Context context, WorkflowAction action) {
    return String.valueOf(context.getVar("standin.error"));
  }
}

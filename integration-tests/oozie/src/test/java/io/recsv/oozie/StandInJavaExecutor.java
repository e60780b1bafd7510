package io.recsv.oozie;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import org.apache.oozie.action.ActionExecutorException;
import org.apache.oozie.client.WorkflowAction;
import org.jdom.Element;
import org.jdom.Namespace;

/**
 * Stands in for Oozie's java action executor (which launches on YARN): it runs the action's main class in this
 * JVM, with the arguments exactly as the engine evaluated them, and reports the action as the real one would:
 * OK when main returns, ERROR with the exception's message when it throws.
 */
public final class StandInJavaExecutor extends StandInExecutor {


  public StandInJavaExecutor() {
    super("java");
  }

  @Override
  public void start(Context context, WorkflowAction action) throws ActionExecutorException {
    Element java = parse(action.getConf());
    Namespace ns = java.getNamespace();
    List<String> args = new ArrayList<>();
    for (Object o : java.getChildren("arg", ns)) {
      args.add(((Element) o).getText());
    }
    context.setStartData("application_1764000000001_0001", "stand-in", "stand-in");
    try {
      Class.forName(java.getChildText("main-class", ns)).getMethod("main", String[].class)
          .invoke(null, (Object) args.toArray(new String[0]));
      context.setExecutionData(SUCCEEDED, null);
    } catch (InvocationTargetException e) {
      context.setExecutionData("FAILED", null);
      context.setVar("standin.error", String.valueOf(e.getCause()));
    } catch (ReflectiveOperationException e) {
      throw new ActionExecutorException(ActionExecutorException.ErrorType.ERROR, "STANDIN", e.toString(), e);
    }
  }

  @Override
  String error(Context context, WorkflowAction action) {
    return String.valueOf(context.getVar("standin.error"));
  }
}

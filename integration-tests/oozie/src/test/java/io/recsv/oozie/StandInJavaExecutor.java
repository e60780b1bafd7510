package io.recsv.oozie;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import org.apache.oozie.action.ActionExecutor;
import org.apache.oozie.action.ActionExecutorException;
import org.apache.oozie.client.WorkflowAction;
import org.apache.oozie.util.XmlUtils;
import org.jdom.Element;
import org.jdom.JDOMException;
import org.jdom.Namespace;

/**
 * Stands in for Oozie's java action executor (which launches on YARN): it runs the action's main class in this
 * JVM, with the arguments exactly as the engine evaluated them, and reports the action as the real one would:
 * OK when main returns, ERROR with the exception's message when it throws.
 */
public final class StandInJavaExecutor extends ActionExecutor {

  private static final String SUCCEEDED = "SUCCEEDED";
  private static final ThreadLocal<String> LAST_ERROR = new ThreadLocal<>();

  public StandInJavaExecutor() {
    super("java");
  }

  @Override
  public void initActionType() {
    // Nothing to register.
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
  public void end(Context context, WorkflowAction action) throws ActionExecutorException {
    if (SUCCEEDED.equals(action.getExternalStatus())) {
      context.setEndData(WorkflowAction.Status.OK, WorkflowAction.Status.OK.toString());
    } else {
      context.setErrorInfo("JA018", String.valueOf(context.getVar("standin.error")));
      context.setEndData(WorkflowAction.Status.ERROR, WorkflowAction.Status.ERROR.toString());
    }
  }

  @Override
  public void check(Context context, WorkflowAction action) {
    // Completed in start().
  }

  @Override
  public void kill(Context context, WorkflowAction action) {
    context.setEndData(WorkflowAction.Status.KILLED, WorkflowAction.Status.ERROR.toString());
  }

  @Override
  public boolean isCompleted(String externalStatus) {
    return true;
  }

  private static Element parse(String xml) throws ActionExecutorException {
    try {
      return XmlUtils.parseXml(xml);
    } catch (JDOMException e) {
      throw new ActionExecutorException(ActionExecutorException.ErrorType.ERROR, "STANDIN", e.getMessage(), e);
    }
  }
}

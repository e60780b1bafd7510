package io.recsv.oozie;

import java.util.ArrayList;
import java.util.List;
import org.apache.oozie.action.ActionExecutor;
import org.apache.oozie.action.ActionExecutorException;
import org.apache.oozie.client.WorkflowAction;
import org.apache.oozie.util.XmlUtils;
import org.jdom.Element;
import org.jdom.JDOMException;

/**
 * The shared part of the stand-in executors: an action completes in {@code start()} (no YARN application to
 * watch), and {@code end()} reports it OK, or ERROR as a failed launcher main (JA018) with {@link #error}.
 */
abstract class StandInExecutor extends ActionExecutor {

  static final String SUCCEEDED = "SUCCEEDED";

  StandInExecutor(String type) {
    super(type);
  }

  /** The message of a failed action, as Oozie would report it. */
  abstract String error(Context context, WorkflowAction action);

  @Override
  public void initActionType() {
    // No launcher, no sharelib.
  }

  @Override
  public void end(Context context, WorkflowAction action) throws ActionExecutorException {
    if (SUCCEEDED.equals(action.getExternalStatus())) {
      context.setEndData(WorkflowAction.Status.OK, WorkflowAction.Status.OK.toString());
    } else {
      context.setErrorInfo("JA018", error(context, action));
      context.setEndData(WorkflowAction.Status.ERROR, WorkflowAction.Status.ERROR.toString());
    }
  }

  @Override
  public void check(Context context, WorkflowAction action) {
    // Completed in start().
  }

  @Override
  public void kill(Context context, WorkflowAction action) throws ActionExecutorException {
    context.setEndData(WorkflowAction.Status.KILLED, WorkflowAction.Status.ERROR.toString());
  }

  @Override
  public boolean isCompleted(String externalStatus) {
    return true;
  }

  static Element parse(String xml) throws ActionExecutorException {
    try {
      return XmlUtils.parseXml(xml);
    } catch (JDOMException e) {
      throw new ActionExecutorException(ActionExecutorException.ErrorType.ERROR, "STANDIN", e.getMessage(), e);
    }
  }

  /** The texts of {@code element}'s children named {@code name} (an action's args, files), in order. */
  static List<String> texts(Element element, String name) {
    List<String> out = new ArrayList<>();
    for (Object o : element.getChildren(name, element.getNamespace())) {
      out.add(((Element) o).getText());
    }
    return out;
  }
}

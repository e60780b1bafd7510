package io.recsv.yarn;

import java.util.Optional;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;

/**
 * Faults injected into running YARN applications of the mini cluster: a container's process killed with SIGKILL
 * (as the kernel's OOM killer or a lost machine ends it), a NodeManager stopped. Each waits for its moment by what
 * the application shows (it runs, an executor finished a task), never by a clock, so a slow machine only makes it
 * later.
 */
final class Faults {

  private final MiniCluster cluster;
  /** What submits the applications: a wait ends, failing, if it ended. */
  private Process submitter;
  private java.nio.file.Path submitterLog;

  Faults(MiniCluster cluster) {
    this.cluster = cluster;
  }

  /** The waits that follow watch {@code process}, the command that submits the applications. */
  Faults watching(Process process, java.nio.file.Path log) {
    this.submitter = process;
    this.submitterLog = log;
    return this;
  }

  private void assertSubmitterAlive(String waitingFor) throws java.io.IOException {
    if (submitter != null && !submitter.isAlive()) {
      throw new AssertionError("the command that submits the applications ended (exit " + submitter.exitValue()
          + ") while waiting for " + waitingFor + "; its output:\n" + java.nio.file.Files.readString(submitterLog));
    }
  }

  /** Waits until the application named {@code name} is RUNNING (bounded generously); its report. */
  ApplicationReport running(String name) throws Exception {
    for (int i = 0; i < 6000; i++) {
      Optional<ApplicationReport> app = cluster.yarn().getApplications().stream()
          .filter(a -> a.getName().equals(name)).findFirst();
      if (app.isPresent() && app.get().getYarnApplicationState() == YarnApplicationState.RUNNING) {
        return app.get();
      }
      if (app.isPresent() && app.get().getYarnApplicationState().ordinal() > YarnApplicationState.RUNNING.ordinal()) {
        throw new AssertionError(name + " ended before the fault: " + app.get().getYarnApplicationState());
      }
      assertSubmitterAlive(name);
      Thread.sleep(200);
    }
    throw new AssertionError(name + " did not start running within 20 minutes");
  }

  /** Waits until an executor of {@code app} has finished a task: the application is mid-stage. That executor. */
  MiniCluster.Container executorThatRanATask(ApplicationReport app) throws Exception {
    for (int i = 0; i < 6000; i++) {
      for (MiniCluster.Container c : cluster.containers(app.getApplicationId())) {
        if (!c.isApplicationMaster() && c.stderr().contains("Finished task") && process(c).isPresent()) {
          return c;
        }
      }
      assertStillRunning(app);
      Thread.sleep(200);
    }
    throw new AssertionError(app.getName() + ": no executor finished a task within 20 minutes");
  }

  /** The ApplicationMaster's container of {@code app}, once it runs. */
  MiniCluster.Container applicationMaster(ApplicationReport app) throws Exception {
    for (int i = 0; i < 6000; i++) {
      for (MiniCluster.Container c : cluster.containers(app.getApplicationId())) {
        if (c.isApplicationMaster() && process(c).isPresent()) {
          return c;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(app.getName() + ": its ApplicationMaster did not start within 20 minutes");
  }

  /** kill -9 of the container's JVM; returns once it is gone. */
  void kill(MiniCluster.Container container) throws Exception {
    ProcessHandle jvm = process(container).orElseThrow(() -> new AssertionError("no process for " + container));
    jvm.destroyForcibly();
    jvm.onExit().get();
  }

  /** Stops the NodeManager {@code node}: its containers end and the ResourceManager loses the node. */
  void loseNode(int node) {
    cluster.nodeManager(node).stop();
  }

  private void assertStillRunning(ApplicationReport app) throws Exception {
    YarnApplicationState state = cluster.yarn().getApplicationReport(app.getApplicationId()).getYarnApplicationState();
    if (state != YarnApplicationState.RUNNING) {
      throw new AssertionError(app.getName() + " is " + state + ": it ended before the fault could be injected");
    }
  }

  /** The JVM a container runs (its command line names the container's log directory). */
  static Optional<ProcessHandle> process(MiniCluster.Container c) {
    return ProcessHandle.allProcesses().filter(p -> p.info().command().map(cmd -> cmd.endsWith("/java")).orElse(false)
        && p.info().commandLine().map(line -> line.contains(c.id())).orElse(false)).findFirst();
  }
}

package io.recsv.ops;

import io.recsv.workflow.WorkflowDefinition;

import java.io.PrintStream;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import org.apache.oozie.client.CoordinatorAction;
import org.apache.oozie.client.CoordinatorJob;
import org.apache.oozie.client.Job;
import org.apache.oozie.client.OozieClient;
import org.apache.oozie.client.OozieClientException;
import org.apache.oozie.client.WorkflowAction;
import org.apache.oozie.client.WorkflowJob;

/**
 * What {@code ./recsv oozie} does on an Oozie server, for on-call: submit the weekly coordinator (never a second
 * one), show a week's state, rerun a week's workflow, kill. It talks through {@link OozieClient}s: over HTTP in
 * production, where one client serves both; in-process (Oozie's LocalOozieClient and LocalOozieClientCoord, one
 * per kind of job) in the engine tests.
 */
public final class OozieOps {

  /** The coordinator's name, as coordinator.xml gives it. */
  public static final String COORDINATOR = "recsv-weekly";
  private static final Set<Job.Status> LIVE = Set.of(Job.Status.PREP, Job.Status.RUNNING,
      Job.Status.RUNNINGWITHERROR, Job.Status.PREPSUSPENDED, Job.Status.SUSPENDED,
      Job.Status.SUSPENDEDWITHERROR, Job.Status.PREPPAUSED, Job.Status.PAUSED, Job.Status.PAUSEDWITHERROR);

  private final OozieClient coordinators;
  private final OozieClient workflows;
  private final PrintStream out;

  public OozieOps(OozieClient coordinators, OozieClient workflows, PrintStream out) {
    this.coordinators = coordinators;
    this.workflows = workflows;
    this.out = out;
  }

  /**
   * Submits what {@code job} names: a coordinator, refused while a live recsv-weekly coordinator covers any of its
   * weeks (two would run a week twice into the same directories; a backfill of earlier weeks is fine), or one
   * workflow run.
   */
  public String submit(Properties job) throws OozieClientException {
    if (job.getProperty(OozieClient.COORDINATOR_APP_PATH) != null) {
      Date start = oozieTime(job.getProperty("startTime"));
      Date end = oozieTime(job.getProperty("endTime"));
      for (CoordinatorJob c : coordinators.getCoordJobsInfo("name=" + COORDINATOR, 1, 1000)) {
        boolean overlaps = c.getStartTime().before(end) && start.before(c.getEndTime());
        if (LIVE.contains(c.getStatus()) && overlaps) {
          throw new IllegalArgumentException("coordinator " + COORDINATOR + " is already " + c.getStatus() + " as "
              + c.getId() + " for the weeks from " + time(c.getStartTime()) + " to " + time(c.getEndTime())
              + "; a second one would run those weeks twice into the same directories. Kill it first"
              + " (./recsv oozie kill " + c.getId() + "), or backfill only weeks it does not cover");
        }
      }
      return coordinators.run(job);
    }
    return workflows.run(job);
  }

  /** What Oozie would materialize for {@code job}, without submitting it. */
  public String dryrun(Properties job) throws OozieClientException {
    return (job.getProperty(OozieClient.COORDINATOR_APP_PATH) != null ? coordinators : workflows).dryrun(job);
  }

  /** Reruns one week of a coordinator (its action of that nominal date); with {@code refresh}, inputs rechecked. */
  public List<CoordinatorAction> rerunWeek(String coordinatorId, String week, boolean refresh, Properties overrides)
      throws OozieClientException {
    for (String key : overrides.stringPropertyNames()) {
      if (Reruns.RUN_IDENTITY.contains(key)) {
        throw new IllegalArgumentException("a rerun cannot set " + key + ": it reruns the same week");
      }
    }
    CoordinatorJob c = coordinators.getCoordJobInfo(coordinatorId);
    StringBuilder weeks = new StringBuilder();
    for (CoordinatorAction a : c.getActions()) {
      String date = time(a.getNominalTime()).substring(0, 10);
      if (date.equals(week)) {
        // Output left as it is (no cleanup): the week's CSV stays published until the rerun replaces it.
        return coordinators.reRunCoord(coordinatorId, "action", String.valueOf(a.getActionNumber()), refresh, true,
            false, overrides);
      }
      weeks.append(weeks.length() == 0 ? "" : ", ").append(date);
    }
    throw new IllegalArgumentException("coordinator " + coordinatorId + " has no week " + week + " (its weeks: "
        + weeks + ")");
  }

  public void logs(String id) throws OozieClientException {
    (id.endsWith("-C") ? coordinators : workflows).getJobLog(id, null, null, null, out);
  }

  /** The release directories that live coordinators run on (never to be pruned). */
  public Set<String> releasesInUse() throws OozieClientException {
    Set<String> inUse = new HashSet<>();
    for (CoordinatorJob c : coordinators.getCoordJobsInfo("name=" + COORDINATOR, 1, 1000)) {
      if (LIVE.contains(c.getStatus())) {
        String release = Releases.releaseOf(Releases.fromXml(coordinators.getCoordJobInfo(c.getId()).getConf()));
        if (release != null) {
          inUse.add(release);
        }
      }
    }
    return inUse;
  }

  private static Date oozieTime(String text) {
    if (text == null) {
      throw new IllegalArgumentException("the job properties define no startTime or endTime");
    }
    return Date.from(java.time.ZonedDateTime.parse(text, java.time.format.DateTimeFormatter
        .ofPattern("yyyy-MM-dd'T'HH:mmX")).toInstant());
  }

  /** Reruns a week's workflow with {@link Reruns}' properties; returns them. */
  public Properties rerun(String workflowId, WorkflowDefinition workflow, boolean failed, String fromStage,
      Properties overrides) throws OozieClientException {
    Properties props = failed ? Reruns.failedNodes(workflows.getJobInfo(workflowId), workflow, overrides)
        : Reruns.fromStage(workflow, fromStage, overrides);
    workflows.reRun(workflowId, props);
    return props;
  }

  /**
   * Moves a live coordinator to another release: its configuration, whole (Oozie's update replaces it), with the
   * app path changed. Weeks already started stay on the release they started with.
   */
  public void switchRelease(String coordinatorId, String releaseDir) throws OozieClientException {
    CoordinatorJob c = coordinators.getCoordJobInfo(coordinatorId);
    if (!LIVE.contains(c.getStatus())) {
      throw new IllegalArgumentException("coordinator " + coordinatorId + " is " + c.getStatus()
          + "; only a live one can be moved to another release");
    }
    Properties conf = Releases.pin(Releases.fromXml(c.getConf()), releaseDir);
    coordinators.updateCoord(coordinatorId, conf, "false", "true");
  }

  /** Release {@code version} under the same application root as the coordinator's current release. */
  public String releaseDirFor(String coordinatorId, String version) throws OozieClientException {
    String current = Releases.releaseOf(Releases.fromXml(coordinators.getCoordJobInfo(coordinatorId).getConf()));
    if (current == null) {
      throw new IllegalArgumentException("coordinator " + coordinatorId + " is not pinned to a release (its appPath"
          + " has no /" + Releases.DIR + "/); submit it with --release to roll back later");
    }
    return Releases.dir(current.substring(0, current.indexOf("/" + Releases.DIR + "/")), version);
  }

  public void kill(String id) throws OozieClientException {
    (id.endsWith("-C") ? coordinators : workflows).kill(id);
  }

  /** A coordinator's weeks (nominal time, state, workflow) and each week's nodes; or one workflow's nodes. */
  public void status(String id) throws OozieClientException {
    if (id.endsWith("-C")) {
      CoordinatorJob c = coordinators.getCoordJobInfo(id);
      out.printf("coordinator %s %s  %s  every %s %s from %s to %s%n", c.getId(), c.getAppName(), c.getStatus(),
          c.getFrequency(), c.getTimeUnit(), time(c.getStartTime()), time(c.getEndTime()));
      List<CoordinatorAction> weeks = c.getActions();
      for (CoordinatorAction week : weeks) {
        out.printf("%nweek %s  %s  %s%s%n", time(week.getNominalTime()), week.getStatus(),
            week.getExternalId() == null ? "(no workflow yet)" : "workflow " + week.getExternalId(),
            week.getMissingDependencies() == null || week.getMissingDependencies().isEmpty() ? ""
                : "  waiting for " + week.getMissingDependencies());
        if (week.getExternalId() != null) {
          nodes(workflows.getJobInfo(week.getExternalId()));
        }
      }
      return;
    }
    WorkflowJob w = workflows.getJobInfo(id);
    out.printf("workflow %s %s  %s%n", w.getId(), w.getAppName(), w.getStatus());
    nodes(w);
  }

  private void nodes(WorkflowJob w) {
    out.printf("  %-14s %-9s %-17s %-17s %-32s %s%n", "node", "state", "started", "ended", "YARN application",
        "message");
    List<WorkflowAction> byStart = new ArrayList<>(w.getActions());
    // As they ran (a rerun's nodes after the ones it kept); Oozie returns them in no particular order.
    byStart.sort(Comparator.comparing(WorkflowAction::getStartTime,
        java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder())));
    for (WorkflowAction a : byStart) {
      out.printf("  %-14s %-9s %-17s %-17s %-32s %s%n", a.getName(), a.getStatus(), time(a.getStartTime()),
          time(a.getEndTime()), a.getExternalId() == null ? "-" : a.getExternalId(),
          a.getErrorMessage() == null ? "" : a.getErrorMessage());
    }
  }

  private static String time(Date date) {
    if (date == null) {
      return "-";
    }
    SimpleDateFormat utc = new SimpleDateFormat("yyyy-MM-dd HH:mm'Z'");
    utc.setTimeZone(TimeZone.getTimeZone("UTC"));
    return utc.format(date);
  }
}

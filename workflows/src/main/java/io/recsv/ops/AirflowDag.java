package io.recsv.ops;

import io.recsv.workflow.StageName;
import io.recsv.workflow.WorkflowDefinition;
import io.recsv.workflow.Xml;
import io.recsv.workflow.JobProperties;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.w3c.dom.Element;

/**
 * The weekly pipeline as an Apache Airflow DAG (2.x and 3.x, {@code SparkSubmitOperator} from the Apache Spark
 * provider), generated from the same files Oozie runs: workflow.xml (the stages, their order and their
 * spark-submit arguments), coordinator.xml (the week's input dataset and its done-flag) and job.properties (the
 * schedule, retries, queue and the values of the parameters). Nothing is written twice by hand.
 * <p>EL becomes Jinja: {@code ${runId}} (Oozie's nominal date) is {@code {{ data_interval_end | ds }}}, the end of
 * Airflow's data interval, which is when Airflow runs it (its {@code ds} is the interval's start, one week
 * earlier); {@code ${wf:appPath()}} is the {@code app_path} param; the week's input is the coordinator's URI
 * template at that date; every other workflow parameter is a DAG param with its job.properties value as default.
 * An EL expression it does not know is an error, not a silent pass-through.
 */
final class AirflowDag {

  private static final String WEEK = "data_interval_end";
  private static final String COORD_NS = "uri:oozie:coordinator:0.5";

  private final WorkflowDefinition workflow;
  private final JobProperties job;
  private final String inputTemplate;
  private final String doneFlag;
  private final Map<String, String> params = new TreeMap<>();

  private AirflowDag(WorkflowDefinition workflow, Element coordinator, Properties job) {
    this.workflow = workflow;
    this.job = new JobProperties(job, workflow);
    if (!"${coord:days(7)}".equals(coordinator.getAttribute("frequency"))) {
      throw new IllegalArgumentException("coordinator.xml: only a weekly frequency (${coord:days(7)}) is"
          + " translated, got " + coordinator.getAttribute("frequency"));
    }
    Element dataset = inputDataset(coordinator);
    this.inputTemplate = child(dataset, "uri-template");
    this.doneFlag = child(dataset, "done-flag");
  }

  /** The DAG file's text, from the application in {@code app} and the job properties in {@code properties}. */
  static String generate(Path app, Path properties) throws IOException {
    Properties job = JobProperties.load(properties);
    Element coordinator;
    try (InputStream in = Files.newInputStream(app.resolve("coordinator.xml"))) {
      coordinator = Xml.document(in, app.resolve("coordinator.xml").toString()).getDocumentElement();
    }
    return new AirflowDag(WorkflowDefinition.load(app.resolve("workflow.xml")), coordinator, job).python();
  }

  private String python() {
    List<String> tasks = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    String sensor = jinja(inputTemplate) + "/" + jinja(doneFlag);
    body.append("    # The week starts when its input is complete, as the coordinator's input event waits for it.\n");
    body.append("    input_ready = BashSensor(\n");
    body.append("        task_id=\"input_ready\",\n");
    body.append("        inlets=[INPUT],\n");
    body.append("        bash_command=").append(str("hdfs dfs -test -e " + sensor)).append(",\n");
    body.append("        mode=\"reschedule\",\n        poke_interval=300,\n");
    body.append("        timeout=").append(Integer.parseInt(job.get("inputTimeoutMinutes")) * 60)
        .append(",  # inputTimeoutMinutes: the input never arrived\n");
    body.append("        retries=0,\n    )\n");
    for (WorkflowDefinition.SparkStage stage : workflow.stages()) {
      body.append('\n').append(operator(stage));
      tasks.add(stage.name());
      for (WorkflowDefinition.Gate gate : workflow.gates()) {
        if (gate.afterStage().equals(stage.name())) {
          body.append('\n').append(gate(gate));
          tasks.add(gate.action());
        }
      }
    }
    body.append("\n    input_ready >> ").append(String.join(" >> ", tasks)).append('\n');

    ZonedDateTime first = ZonedDateTime.parse(job.get("startTime"), DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmX"));
    ZonedDateTime end = ZonedDateTime.parse(job.get("endTime"), DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmX"));
    // Airflow runs a week at its interval's end; the first interval must end at the coordinator's first week.
    ZonedDateTime start = first.minus(Duration.ofDays(7));
    StringBuilder out = new StringBuilder();
    out.append(HEADER);
    out.append(assetsAndSla());
    out.append("with DAG(\n");
    out.append("    dag_id=\"recsv_weekly\",\n");
    out.append("    # Every 7 days at startTime's weekday and hour (UTC), as the coordinator.\n");
    out.append("    schedule=").append(str(first.getMinute() + " " + first.getHour() + " * * "
        + cronDay(first.getDayOfWeek()))).append(",\n");
    out.append("    start_date=").append(datetime(start)).append(",\n");
    out.append("    end_date=").append(datetime(end)).append(",\n");
    String execution = job.get("execution");
    out.append("    # execution=").append(execution).append(": ").append("FIFO".equals(execution)
        ? "run every missed week after an outage, oldest first" : "run only the newest week").append(".\n");
    out.append("    catchup=").append("FIFO".equals(execution) ? "True" : "False").append(",\n");
    out.append("    max_active_runs=1,\n");
    out.append("    default_args={\n");
    out.append("        \"retries\": ").append(Integer.parseInt(job.get("stageRetries"))).append(",\n");
    out.append("        \"retry_delay\": timedelta(minutes=").append(Integer.parseInt(job.get("stageRetryIntervalMinutes")))
        .append("),\n");
    out.append("        \"email\": [").append(str(job.get("alertEmail"))).append("],\n");
    out.append("        \"email_on_failure\": True,\n");
    out.append("        # \"on_failure_callback\": a function of yours, e.g. to page on-call.\n");
    out.append("    },\n");
    out.append("    params={\n");
    for (Map.Entry<String, String> p : params.entrySet()) {
      out.append("        ").append(str(p.getKey())).append(": ").append(str(p.getValue())).append(",\n");
    }
    out.append("    },\n");
    out.append("    tags=[\"recsv\"],\n");
    out.append("    **DEADLINE,\n");
    out.append(") as dag:\n");
    out.append(body);
    return out.toString();
  }

  private String operator(WorkflowDefinition.SparkStage stage) {
    Map<String, String> kwargs = new LinkedHashMap<>();
    kwargs.put("task_id", str(stage.name()));
    kwargs.put("conn_id", str("spark_default"));
    if (!"yarn".equals(job.resolve(stage.master()))) {
      throw new IllegalArgumentException("stage " + stage.name() + ": only <master>yarn</master> is translated");
    }
    kwargs.put("deploy_mode", str(job.resolve(stage.mode())));
    kwargs.put("name", str(jinja(stage.appName())));
    kwargs.put("java_class", str(stage.mainClass()));
    kwargs.put("application", str(jinja(stage.jar())));
    Map<String, String> conf = new LinkedHashMap<>();
    // A parameter whose value is itself a list of options (sparkOptsPrepare) is expanded here; then --conf values
    // are templated, and the values SparkSubmitOperator takes literally are resolved from job.properties.
    List<String> opts = List.of(expandOptionLists(stage.sparkOpts()).trim().split("\\s+"));
    for (int i = 0; i < opts.size(); i += 2) {
      String value = i + 1 < opts.size() ? opts.get(i + 1) : "";
      switch (opts.get(i)) {
        case "--driver-memory" -> kwargs.put("driver_memory", str(job.resolve(value)));
        case "--executor-memory" -> kwargs.put("executor_memory", str(job.resolve(value)));
        case "--num-executors" -> kwargs.put("num_executors", String.valueOf(Integer.parseInt(job.resolve(value))));
        case "--executor-cores" -> kwargs.put("executor_cores", String.valueOf(Integer.parseInt(job.resolve(value))));
        case "--queue" -> kwargs.put("yarn_queue", str(job.resolve(value)));
        case "--conf" -> conf.put(value.substring(0, value.indexOf('=')), jinja(value.substring(value.indexOf('=') + 1)));
        default -> throw new IllegalArgumentException("stage " + stage.name() + ": spark-opts '" + opts.get(i)
            + "' has no SparkSubmitOperator argument here; add its translation");
      }
    }
    StringBuilder confText = new StringBuilder("{");
    conf.forEach((k, v) -> confText.append(confText.length() > 1 ? ", " : "").append(str(k)).append(": ").append(str(v)));
    kwargs.put("conf", confText.append('}').toString());
    // spark-submit --principal/--keytab on a kerberized cluster; empty (the default), neither is passed.
    kwargs.put("principal", str(dagParam("kerberos_principal", "")));
    kwargs.put("keytab", str(dagParam("kerberos_keytab", "")));
    kwargs.put("files", str(String.join(",", stage.files().stream().map(this::jinja).toList())));
    kwargs.put("application_args", "[\n" + String.join("", stage.args().stream()
        .map(a -> "            " + str(jinja(a)) + ",\n").toList()) + "        ]");
    if (stage.name().equals(StageName.MERGE.id())) {  // the stage that publishes the week's CSV
      kwargs.put("outlets", "[PUBLISHED]");
    }
    StringBuilder out = new StringBuilder("    " + stage.name() + " = SparkSubmitOperator(\n");
    kwargs.forEach((k, v) -> out.append("        ").append(k).append('=').append(v).append(",\n"));
    if (stage.name().equals(StageName.MERGE.id())) {
      out.append("        **SLA,\n");
    }
    return out.append("    )\n").toString();
  }

  /**
   * The input and the published CSVs as assets, and the coordinator's SLA (its should-end after the week's nominal
   * time, mailed to alertEmail) in the form each Airflow has: Airflow 2's task SLA, Airflow 3.1's deadline alert.
   */
  private String assetsAndSla() {
    int shouldEnd = Integer.parseInt(job.get("slaShouldEndMinutes"));
    return "# The week's input and published CSVs (<output root>/<run id>/recommendations.csv): downstream DAGs (an API's\n"
        + "# load, a CRM's mailing) can be scheduled on PUBLISHED.\n"
        + "INPUT = Asset(" + str(job.get("inputRoot")) + ")\n"
        + "PUBLISHED = Asset(" + str(job.get("outputRoot")) + ")\n"
        + "\n"
        + "# slaShouldEndMinutes: a week should end this long after its nominal time (the coordinator's should-end).\n"
        + "SHOULD_END = timedelta(minutes=" + shouldEnd + ")\n"
        + "ALERT_EMAIL = " + str(job.get("alertEmail")) + "\n"
        + "\n"
        + "\n"
        + "async def deadline_missed(context, **kwargs):\n"
        + "    \"\"\"Airflow 3's deadline alert: the week has not ended by its should-end (Oozie's END_MISS).\"\"\"\n"
        + "    run = context.get(\"dag_run\")\n"
        + "    message = f\"recsv week {getattr(run, 'run_id', '?')} has not ended {SHOULD_END} after its nominal time\"\n"
        + "    logging.getLogger(\"recsv_weekly\").warning(message)\n"
        + "    try:\n"
        + "        from airflow.utils.email import send_email\n"
        + "        await asyncio.to_thread(send_email, ALERT_EMAIL, \"[recsv] SLA end miss\", message)\n"
        + "    except Exception as e:  # the miss is logged whatever the mail server says\n"
        + "        logging.getLogger(\"recsv_weekly\").warning(\"could not e-mail the SLA end miss: %s\", e)\n"
        + "\n"
        + "\n"
        + "SLA = {\"sla\": SHOULD_END} if AIRFLOW_2 else {}\n"
        + "DEADLINE = {\"deadline\": DeadlineAlert(reference=DeadlineReference.DAGRUN_LOGICAL_DATE, interval=SHOULD_END,\n"
        + "                                      callback=AsyncCallback(deadline_missed))} if DeadlineAlert else {}\n"
        + "\n";
  }

  /**
   * The quality gate, as the Oozie workflow's decision node decides: the week goes on (to train and publish) only if
   * evaluate's verdict lets it, or gateForce is "true" (on-call's override for one run). A refusal fails the task,
   * and so the DAG run, before anything is published, with the message of the Oozie workflow's kill node (the
   * verdict's reason, unescaped from the properties file).
   */
  private String gate(WorkflowDefinition.Gate gate) {
    String verdict = jinja(gate.verdictFile());
    String force = jinja("${gateForce}");
    String command = "v=$(hdfs dfs -cat " + verdict + ") || exit 1; if printf '%s\\n' \"$v\" | grep -qx 'publish=true'"
        + " || [ '" + force + "' = 'true' ]; then exit 0; fi; echo \"recsv week " + jinja("${runId}")
        + " not published: its quality gate refused it: $(printf '%s\\n' \"$v\" | sed -n 's/^reason=//p'"
        + " | sed 's/\\\\\\(.\\)/\\1/g')\" >&2; exit 1";
    return "    # The quality gate (the Oozie workflow's gate action and decision node): go on only with a week whose\n"
        + "    # verdict lets it, or when gate_force is \"true\" for this run; a refused week ends with the Oozie\n"
        + "    # kill node's message.\n"
        + "    " + gate.action() + " = BashOperator(\n"
        + "        task_id=" + str(gate.action()) + ",\n"
        + "        bash_command=" + str(command) + ",\n"
        + "        retries=0,\n"
        + "    )\n";
  }

  /** A param of the DAG's own (none of Oozie's), with its default. */
  private String dagParam(String name, String value) {
    params.put(name, value);
    return "{{ params." + name + " }}";
  }

  /** EL to Jinja, for a templated operator field. */
  private String jinja(String text) {
    return JobProperties.replace(text, expression -> switch (expression) {
      case "runId" -> "{{ " + WEEK + " | ds }}";
      case "wf:appPath()" -> param("appPath", "app_path");
      case "inputPath" -> jinja(inputTemplate);
      case "YEAR" -> "{{ " + WEEK + ".strftime('%Y') }}";
      case "MONTH" -> "{{ " + WEEK + ".strftime('%m') }}";
      case "DAY" -> "{{ " + WEEK + ".strftime('%d') }}";
      default -> {
        if (!expression.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw new IllegalArgumentException("cannot translate ${" + expression + "} to Airflow");
        }
        yield param(expression, snake(expression));
      }
    });
  }

  /** A DAG param, defaulting to the job property's value (or the workflow parameter's default). */
  private String param(String property, String name) {
    params.put(name, job.get(property));
    return "{{ params." + name + " }}";
  }

  /** Expands the ${...} whose value is a list of spark-submit options; leaves the others. */
  private String expandOptionLists(String text) {
    return JobProperties.replace(text, name -> {
      String value = name.matches("[A-Za-z_][A-Za-z0-9_]*") ? job.get(name) : "";
      return value.startsWith("--") ? value : "${" + name + "}";
    });
  }

  private static Element inputDataset(Element coordinator) {
    Element inputs = Xml.childrenNamed(coordinator, COORD_NS, "input-events").get(0);
    String dataset = Xml.childrenNamed(inputs, COORD_NS, "data-in").get(0).getAttribute("dataset");
    Element datasets = Xml.childrenNamed(coordinator, COORD_NS, "datasets").get(0);
    for (Element d : Xml.childrenNamed(datasets, COORD_NS, "dataset")) {
      if (d.getAttribute("name").equals(dataset)) {
        return d;
      }
    }
    throw new IllegalArgumentException("coordinator.xml: no dataset '" + dataset + "'");
  }

  private static String child(Element parent, String local) {
    return Xml.childrenNamed(parent, COORD_NS, local).get(0).getTextContent().trim();
  }

  private static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
  }

  private static String cronDay(DayOfWeek day) {
    return String.valueOf(day.getValue() % 7);  // cron: 0 is Sunday
  }

  private static String datetime(ZonedDateTime t) {
    return String.format("datetime(%d, %d, %d, %d, %d, tzinfo=timezone.utc)", t.getYear(), t.getMonthValue(),
        t.getDayOfMonth(), t.getHour(), t.getMinute());
  }

  /** A Python string literal. */
  private static String str(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static final String HEADER = """
      # recsv weekly pipeline for Apache Airflow 2.x / 3.x.
      #
      # GENERATED by `./recsv airflow dag` from workflows/recommendations/workflow.xml, coordinator.xml and
      # job.properties: the same stages, order, main classes, jar, config files and arguments that Oozie runs.
      # Do not edit; change those files and regenerate (a test fails while this copy is stale).
      #
      # Needs the Apache Spark provider, apache-airflow-providers-apache-spark 4.8 or later (its `yarn_queue`; on
      # Airflow 3 a release of it for Airflow 3, with apache-airflow-providers-standard for the bash operator and
      # sensor), and a Spark connection `spark_default` whose host is `yarn`, on workers with spark-submit and the
      # cluster's Hadoop configuration; `hdfs` on the PATH for the input sensor and the gate, and `yarn`, which
      # the provider's hook calls to kill a stage's YARN application when its task is stopped. On a kerberized
      # cluster, set the params kerberos_principal and kerberos_keytab (spark-submit --principal, --keytab).
      #
      # The week: Airflow runs a week when its data interval ends; recsv's run id is that end's date
      # ({{ data_interval_end | ds }}), the same date as the Oozie coordinator's nominal time for that week, so the
      # two schedulers never give one week two run ids. ({{ ds }} is the interval's start, a week earlier.)
      #
      # Per run: trigger with a conf to override a param, e.g. {"merge_overwrite": "true"} to replace a week's
      # published CSV. Retries: the stages are idempotent.
      #
      # SLA, as the coordinator's should-end: on Airflow 2 an SLA on the publishing task (Airflow e-mails a miss
      # to the task's email), on Airflow 3.1 and later a deadline alert on the run (deadline_missed below logs
      # it and e-mails on-call); Airflow 3.0 has neither. Downstream DAGs can be scheduled on the published
      # CSVs: an Asset (Airflow 3) or Dataset (Airflow 2.4 and later) the publishing task updates.
      import asyncio
      import logging
      from datetime import datetime, timedelta, timezone

      import airflow
      from airflow import DAG
      from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

      try:  # Airflow 3
          from airflow.providers.standard.operators.bash import BashOperator
          from airflow.providers.standard.sensors.bash import BashSensor
      except ImportError:  # Airflow 2
          from airflow.operators.bash import BashOperator
          from airflow.sensors.bash import BashSensor

      try:  # Airflow 3
          from airflow.sdk import Asset
      except ImportError:  # Airflow 2.4 and later
          from airflow.datasets import Dataset as Asset

      try:  # Airflow 3.1 and later (experimental there, and moved to airflow.sdk since)
          try:
              from airflow.sdk import AsyncCallback, DeadlineAlert, DeadlineReference
          except ImportError:
              from airflow.sdk.definitions.deadline import AsyncCallback, DeadlineAlert, DeadlineReference
      except ImportError:  # Airflow 2 (SLAs instead) and 3.0 (neither)
          DeadlineAlert = None

      AIRFLOW_2 = airflow.__version__.startswith("2.")

      """;
}

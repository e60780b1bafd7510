"""What each task of a generated recsv DAG would run, for one week, without Airflow installed.

Reads the DAG file as Python source (ast: nothing is imported or executed), takes each SparkSubmitOperator's
literal arguments, renders the templated ones with Jinja for the week (Airflow's context: data_interval_end,
params, and the `ds` filter, which formats a date as YYYY-MM-DD), and builds the spark-submit command line in
the order of the Apache Spark provider's SparkSubmitHook (_build_spark_common_args, then the application and
its arguments), with master "yarn" from the `spark_default` connection the DAG documents.

usage: python3 dag_commands.py DAG_FILE WEEK_END_ISO PARAMS_JSON
prints tab-separated lines: "order" and the task ids in order; "sensor" and the input sensor's command; "bash",
a BashOperator's task id and command (the quality gate); then
"task", the task id and its spark-submit command line, one argument per field.
"""
import ast
import json
import sys
from datetime import datetime

import jinja2

TEMPLATED = {"application", "conf", "files", "name", "application_args", "principal", "keytab"}


def literal_kwargs(call):
    """The call's keyword arguments whose values are literals (not outlets=[PUBLISHED], not **SLA)."""
    kwargs = {}
    for kw in call.keywords:
        if kw.arg is None:
            continue
        try:
            kwargs[kw.arg] = ast.literal_eval(kw.value)
        except ValueError:
            pass
    return kwargs


def main():
    path, week, overrides = sys.argv[1], datetime.fromisoformat(sys.argv[2]), json.loads(sys.argv[3])
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    dag_params, operators, order, sensor, bash = {}, {}, [], None, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "DAG":
            for kw in node.keywords:
                if kw.arg == "params":  # (**DEADLINE has no arg)
                    dag_params = ast.literal_eval(kw.value)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and getattr(node.value.func, "id", None) == "SparkSubmitOperator":
            operators[node.targets[0].id] = literal_kwargs(node.value)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and getattr(node.value.func, "id", None) == "BashSensor":
            sensor = literal_kwargs(node.value)["bash_command"]
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and getattr(node.value.func, "id", None) == "BashOperator":
            kwargs = literal_kwargs(node.value)
            bash[kwargs["task_id"]] = kwargs["bash_command"]
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.BinOp) and isinstance(node.value.op, ast.RShift):
            order = chain(node.value)

    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.filters["ds"] = lambda d: d.strftime("%Y-%m-%d")
    context = {"data_interval_end": week, "params": {**dag_params, **overrides}}

    def render(value):
        if isinstance(value, str):
            return env.from_string(value).render(**context)
        if isinstance(value, list):
            return [render(v) for v in value]
        if isinstance(value, dict):
            return {k: render(v) for k, v in value.items()}
        return value

    tasks = {}
    for name, kwargs in operators.items():
        op = {k: (render(v) if k in TEMPLATED else v) for k, v in kwargs.items()}
        cmd = ["spark-submit", "--master", "yarn"]
        for key, value in op.get("conf", {}).items():
            cmd += ["--conf", f"{key}={value}"]
        for option, arg in [("--files", "files"), ("--num-executors", "num_executors"),
                            ("--executor-cores", "executor_cores"), ("--executor-memory", "executor_memory"),
                            ("--driver-memory", "driver_memory"), ("--keytab", "keytab"), ("--principal", "principal"),
                            ("--name", "name"), ("--class", "java_class"),
                            ("--queue", "yarn_queue"), ("--deploy-mode", "deploy_mode")]:
            if op.get(arg):
                cmd += [option, str(op[arg])]
        cmd += [op["application"]] + op.get("application_args", [])
        tasks[op["task_id"]] = cmd
    print("\t".join(["order"] + order))
    print("\t".join(["sensor", render(sensor)]))
    for task_id, cmd in tasks.items():
        print("\t".join(["task", task_id] + cmd))
    for task_id, cmd in bash.items():
        print("\t".join(["bash", task_id, render(cmd)]))


def chain(expr):
    if isinstance(expr, ast.BinOp):
        return chain(expr.left) + chain(expr.right)
    return [expr.id]


if __name__ == "__main__":
    main()

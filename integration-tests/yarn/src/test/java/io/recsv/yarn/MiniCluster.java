package io.recsv.yarn;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.nodemanager.NodeManager;

/**
 * A real HDFS and YARN in this JVM: a NameNode and a DataNode (MiniDFSCluster), a ResourceManager with the
 * capacity scheduler's queues {@code default} and {@code recsv}, and two NodeManagers, so that an application's
 * ApplicationMaster and its executors can land on different nodes and a node can be lost. The settings are Spark's
 * own BaseYarnClusterSuite's where they matter (no physical or virtual memory checks, no disk-full refusal).
 * <p>Each NodeManager offers {@link #NODE_MB}: two containers of the tests' size (512 MiB of heap plus Spark's
 * 384 MiB overhead), so an application's ApplicationMaster and its two executors never all fit on one node.
 * {@link #confDir()} is what an edge node's {@code HADOOP_CONF_DIR} would be.
 */
final class MiniCluster implements AutoCloseable {

  /** A container of the tests' Spark processes: 512 MiB of heap plus Spark's minimum overhead, 384 MiB. */
  static final int CONTAINER_MB = 896;
  static final int NODE_MB = 2 * CONTAINER_MB;
  static final int NODES = 2;

  private final File base;
  private final MiniDFSCluster dfs;
  private final MiniYARNCluster yarn;
  private final Path confDir;
  private final YarnClient client;

  MiniCluster() throws Exception {
    base = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "miniyarn-").toAbsolutePath().toFile();
    Configuration conf = new YarnConfiguration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(base, "dfs").getAbsolutePath());
    conf.setInt("dfs.replication", 1);
    dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    dfs.waitActive();
    conf.set("fs.defaultFS", dfs.getFileSystem().getUri().toString());

    conf.set("yarn.resourcemanager.scheduler.class",
        "org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler");
    conf.set("yarn.scheduler.capacity.root.queues", "default,recsv");
    conf.set("yarn.scheduler.capacity.root.default.capacity", "50");
    conf.set("yarn.scheduler.capacity.root.default.maximum-capacity", "100");
    conf.set("yarn.scheduler.capacity.root.recsv.capacity", "50");
    conf.set("yarn.scheduler.capacity.root.recsv.maximum-capacity", "100");
    // An ApplicationMaster is one container of four: the default 10% would hold the second application back.
    conf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "1.0");
    conf.setInt("yarn.scheduler.minimum-allocation-mb", 128);
    conf.setInt("yarn.scheduler.maximum-allocation-mb", NODE_MB);
    conf.setInt("yarn.nodemanager.resource.memory-mb", NODE_MB);
    conf.setInt("yarn.nodemanager.resource.cpu-vcores", 4);
    conf.setBoolean("yarn.nodemanager.pmem-check-enabled", false);
    conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
    conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
    // The containers' logs stay on the node after the application (the tests read which tasks ran where).
    conf.setBoolean("yarn.log-aggregation-enable", false);
    conf.setInt("yarn.nodemanager.delete.debug-delay-sec", 3600);
    yarn = new MiniYARNCluster("recsv", NODES, 1, 1);
    yarn.init(conf);
    yarn.start();
    // MiniYARNCluster may return from start() before the RM has put its address in the configuration.
    Configuration live = yarn.getConfig();
    long deadline = System.currentTimeMillis() + 120_000;
    while (live.get(YarnConfiguration.RM_ADDRESS, "").endsWith(":0") && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }

    // A client's configuration, as a cluster's admins hand it out: the endpoints, not the mini clusters' own test
    // settings (their rack mapping class, for one, lives in Hadoop's test jars).
    confDir = base.toPath().resolve("hadoop-conf");
    Files.createDirectories(confDir);
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", live.get("fs.defaultFS"));
    Configuration hdfs = new Configuration(false);
    hdfs.set("dfs.replication", "1");
    Configuration yarnSite = new Configuration(false);
    for (Map.Entry<String, String> e : live) {
      if (e.getKey().startsWith("yarn.resourcemanager.") && e.getKey().endsWith("address")) {
        yarnSite.set(e.getKey(), live.get(e.getKey()));
      }
    }
    for (Map.Entry<String, Configuration> site : Map.of("core-site.xml", core, "hdfs-site.xml", hdfs,
        "yarn-site.xml", yarnSite).entrySet()) {
      try (OutputStream out = Files.newOutputStream(confDir.resolve(site.getKey()))) {
        site.getValue().writeXml(out);
      }
    }
    client = YarnClient.createYarnClient();
    client.init(live);
    client.start();
  }

  Configuration conf() {
    return yarn.getConfig();
  }

  FileSystem fs() throws IOException {
    return dfs.getFileSystem();
  }

  String hdfs() throws IOException {
    return fs().getUri().toString();
  }

  /** An edge node's HADOOP_CONF_DIR for this cluster: core-site.xml, hdfs-site.xml, yarn-site.xml. */
  Path confDir() {
    return confDir;
  }

  YarnClient yarn() {
    return client;
  }

  NodeManager nodeManager(int i) {
    return yarn.getNodeManager(i);
  }

  int nodeManagers() {
    return NODES;
  }

  /** The applications named {@code name}, oldest first. */
  List<ApplicationReport> applications(String name) throws Exception {
    return client.getApplications().stream().filter(a -> a.getName().equals(name))
        .sorted(java.util.Comparator.comparingLong(ApplicationReport::getStartTime)).toList();
  }

  /** The application named {@code name}; fails if there is not exactly one. */
  ApplicationReport application(String name) throws Exception {
    List<ApplicationReport> found = applications(name);
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " YARN applications named " + name + ": " + found);
    }
    return found.get(0);
  }

  /** Where node {@code i} keeps the logs of the containers it ran. */
  Path logDir(int node) {
    return Path.of(yarn.getNodeManager(node).getConfig().get(YarnConfiguration.NM_LOG_DIRS).split(",")[0]
        .replaceFirst("^file:", ""));
  }

  /** A container that ran on a node: which node, its id, and its log directory. */
  record Container(int node, String id, Path logs) {
    /** The ApplicationMaster's container is the first of its attempt. */
    boolean isApplicationMaster() {
      return id.endsWith("_000001");
    }

    String stderr() throws IOException {
      Path file = logs.resolve("stderr");
      return Files.exists(file) ? Files.readString(file) : "";
    }
  }

  /** Every container of the application, on every node, as the nodes' log directories show them. */
  List<Container> containers(ApplicationId app) throws IOException {
    List<Container> out = new ArrayList<>();
    for (int node = 0; node < nodeManagers(); node++) {
      Path dir = logDir(node).resolve(app.toString());
      if (Files.isDirectory(dir)) {
        try (Stream<Path> list = Files.list(dir)) {
          for (Path c : list.sorted().toList()) {
            out.add(new Container(node, c.getFileName().toString(), c));
          }
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    client.stop();
    yarn.stop();
    dfs.shutdown(true);
    FileUtil.fullyDelete(base);
  }
}

package org.apache.oozie.command.coord;

import org.apache.hadoop.conf.Configuration;

/**
 * What Oozie does to a materialized coordinator action once its input is there (CoordActionInputCheckXCommand,
 * before the action becomes READY): resolve coord:dataIn, coord:dataOut and the rest of the action's
 * configuration. Package-private in Oozie, hence this class in Oozie's package (test code only).
 */
public final class InputCheckPhase {

  private InputCheckPhase() {}

  public static String resolve(String actionXml, Configuration jobConf, String actionId) throws Exception {
    return CoordActionInputCheckXCommand.resolveCoordConfiguration(new StringBuilder(actionXml), jobConf, actionId);
  }
}

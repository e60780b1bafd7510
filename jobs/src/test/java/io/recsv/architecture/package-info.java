/** Tests of the code's shape: the packages' dependencies, read from the compiled classes. */
package io.recsv.architecture;

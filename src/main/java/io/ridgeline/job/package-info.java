/**
 * The sweep job: wires config → data → folds → grid → trainers → selection → reports. The only package
 * that knows every stage; imports all of them.
 */
package io.ridgeline.job;

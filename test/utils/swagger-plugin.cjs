// ts-jest wrapper around the @nestjs/swagger compiler plugin, with the options of nest-cli.json,
// so tests compile DTOs exactly as `nest build` does.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const plugin = require('@nestjs/swagger/plugin');

const nestCli = JSON.parse(readFileSync(join(__dirname, '..', '..', 'nest-cli.json'), 'utf8'));
const options = nestCli.compilerOptions.plugins.find((p) => p.name === '@nestjs/swagger').options;

module.exports = {
  name: 'nestjs-swagger-plugin',
  version: 2,
  // ts-jest calls the factory at every emit but keeps `program` from when it started; the plugin
  // needs the current program, or its type checker cannot resolve return types (responses
  // would be documented as plain objects).
  factory: (tsCompiler) => plugin.before(options, tsCompiler._languageService?.getProgram() ?? tsCompiler.program),
};

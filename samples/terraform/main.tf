# A Node.js function that cleans up on SIGTERM, deployed the way many teams deploy it: with
# Terraform. The Lambda Insights layer is there so that Lambda sends SIGTERM at shutdown (it does
# only when an extension is registered). `lambda-emu run --terraform . aws_lambda_function.lambda
# --event e.json` runs it as it is: lambda-emu reads this file, runs function/ with the managed
# Node.js runtime, and stands in for the Insights layer with its built-in shutdown listener.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    archive = {
      source = "hashicorp/archive"
    }
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

provider "aws" {
  region = var.region
}

data "archive_file" "lambda_zip" {
  type        = "zip"
  source_dir  = "${path.module}/function"
  output_path = "${path.module}/lambda.zip"
}

resource "aws_iam_role" "lambda_role" {
  name = "graceful-shutdown-role"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Action    = "sts:AssumeRole"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "basic" {
  role       = aws_iam_role.lambda_role.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy_attachment" "insights" {
  role       = aws_iam_role.lambda_role.name
  policy_arn = "arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy"
}

resource "aws_lambda_function" "lambda" {
  function_name    = "graceful-shutdown-terraform"
  role             = aws_iam_role.lambda_role.arn
  handler          = "index.handler"
  runtime          = "nodejs20.x"
  memory_size      = 256
  timeout          = 10
  architectures    = ["arm64"]
  filename         = data.archive_file.lambda_zip.output_path
  source_code_hash = data.archive_file.lambda_zip.output_base64sha256
  layers           = ["arn:aws:lambda:${var.region}:580247275435:layer:LambdaInsightsExtension-Arm64:2"]

  environment {
    variables = {
      GREETING = "hello from ${var.region}"
    }
  }
}
